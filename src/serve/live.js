(function () {
  "use strict";
  // dwgk preview only: reloads this page when it changes, swaps stylesheets when
  // CSS changes, shows content errors. Never part of a built site.
  var build = __dwgk.build;
  var path = decodeURIComponent(location.pathname);
  var key = "dwgk-scroll:" + path;
  try {
    var y = sessionStorage.getItem(key);
    if (y !== null) {
      sessionStorage.removeItem(key);
      window.scrollTo(0, +y);
      window.addEventListener("load", function () { window.scrollTo(0, +y); });
    }
  } catch (e) {}

  // Site-wide errors (the whole preview is the last good build) and this page's
  // own errors (held back: this page is its last good version, the rest is new).
  function overlay(site, own) {
    var list = (site || []).concat(own || []);
    var o = document.getElementById("dwgk-overlay");
    if (!list.length) {
      if (o) o.parentNode.removeChild(o);
      return;
    }
    if (!o) {
      o = document.createElement("div");
      o.id = "dwgk-overlay";
      o.setAttribute("role", "alert");
      o.setAttribute("aria-live", "assertive");
      o.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;z-index:2147483647;" +
        "background:#fff5f5;color:#1a1a1a;border-top:4px solid #c00;padding:12px 16px;font:15px/1.6 sans-serif;" +
        "box-shadow:0 -2px 12px rgba(0,0,0,.3)";
      document.body.appendChild(o);
    }
    o.textContent = "";
    var h = document.createElement("h2");
    h.style.cssText = "margin:0 0 8px;font-size:17px;color:#b00";
    h.textContent = site && site.length
      ? "内容有 " + list.length + " 个错误：预览显示的是上一次成功生成的网站，改正后自动更新"
      : "本页有 " + list.length + " 个错误：这里显示的是本页上一次正确的版本（其他页面照常更新），改正后自动更新";
    o.appendChild(h);
    var ol = document.createElement("ol");
    ol.style.cssText = "margin:0;padding-left:1.5em";
    list.forEach(function (d) {
      var li = document.createElement("li");
      var loc = document.createElement("code");
      loc.className = "dwgk-loc";
      loc.style.cssText = "font-weight:bold;color:#900";
      loc.textContent = (d.file || "") + (d.line ? ":" + d.line + (d.col ? ":" + d.col : "") : d.place ? " " + d.place : "");
      li.appendChild(loc);
      li.appendChild(document.createTextNode(" " + d.message));
      if (d.source_line) {
        var pre = document.createElement("pre");
        pre.style.cssText = "margin:2px 0;padding:2px 6px;background:#fee;white-space:pre-wrap";
        pre.textContent = d.source_line;
        li.appendChild(pre);
      }
      if (d.hint) {
        var p = document.createElement("div");
        p.className = "dwgk-hint";
        p.textContent = "提示：" + d.hint;
        li.appendChild(p);
      }
      ol.appendChild(li);
    });
    o.appendChild(ol);
  }

  // Other held-back files: a small note, not an alert (this page is fine).
  function others(held) {
    var list = ((held && held.files) || []).filter(function (f) { return f.path !== path; });
    var n = document.getElementById("dwgk-held");
    if (!list.length) {
      if (n) n.parentNode.removeChild(n);
      return;
    }
    if (!n) {
      n = document.createElement("details");
      n.id = "dwgk-held";
      n.setAttribute("role", "status");
      n.style.cssText = "position:fixed;left:8px;bottom:8px;max-width:28em;max-height:40vh;overflow:auto;z-index:2147483646;" +
        "background:#fffaf0;color:#3d2c00;border:1px solid #e0a800;padding:4px 10px;font:14px/1.5 sans-serif";
      document.body.appendChild(n);
    }
    n.textContent = "";
    var s = document.createElement("summary");
    s.textContent = "另有 " + list.length + " 个文件有错误，暂未更新";
    n.appendChild(s);
    list.forEach(function (f) {
      var d = document.createElement("div");
      var a = f.path ? document.createElement("a") : document.createElement("span");
      if (f.path) a.href = f.path;
      a.textContent = f.file;
      d.appendChild(a);
      d.appendChild(document.createTextNode("（" + f.count + " 个错误）"));
      n.appendChild(d);
    });
  }

  function show(errors, held) {
    overlay(errors, held && held.pages ? held.pages[path] : []);
    others(held);
  }

  function swapCss() {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var u = new URL(links[i].href);
      u.searchParams.set("dwgk", String(Date.now()));
      links[i].href = u.toString();
    }
  }

  function reload() {
    try { sessionStorage.setItem(key, String(window.scrollY)); } catch (e) {}
    location.reload();
  }

  function connect() {
    var es = new EventSource("/__dwgk/events?since=" + build);
    es.onmessage = function (m) {
      var c = JSON.parse(m.data);
      build = c.build;
      show(c.errors, c.held);
      if (c.all || c.paths.indexOf(path) >= 0) { reload(); return; }
      if (c.css) swapCss();
    };
    es.onerror = function () {
      es.close();
      setTimeout(connect, 1000);
    };
  }

  show(__dwgk.errors, __dwgk.held);
  connect();
})();
