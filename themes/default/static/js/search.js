/*
 * dwgk 站内搜索 / site search (docs/search.md)
 *
 * Loads the index the build wrote under search/ on demand, as <script> files that
 * call the registration functions below: meta.js (counts, the dictionary, units,
 * kinds, years, which documents are expired, where each document file starts),
 * f.js (unit, kind and year of every document: only when a filter is set),
 * s/<n>.js (the postings of the tokens whose hash falls in shard n) and d/<n>.js
 * (consecutive documents: title, URL, date, unit, text for snippets). <script>
 * works over HTTP and from a folder opened with file:// (where fetch/XHR of local
 * files is blocked). No external request, no build step; ES5 so old intranet
 * browsers run it.
 *
 * The critical path is the query's shards (in parallel; the search page runs
 * meta.js before this script, so they are requested the moment a query starts)
 * -> the files of the first documents (in parallel, best first); each result is
 * shown as soon as its place is certain, so the first one does not wait for the
 * other nine. (A page without that <script> gets meta.js loaded here first.)
 *
 * Tokens mirror src/render/search/tokens.rs: Chinese as character bigrams (a single
 * character: title unigram), dictionary terms of 3+ characters as whole tokens,
 * ASCII letters/digits as lower-case words; full-width ASCII folded.
 */
(function () {
  'use strict';

  var app = document.getElementById('dwgk-search');
  if (!app || !document.createElement) {
    return;
  }
  var VERSION = 3;
  var PAGE = 10; // results shown per step
  var VERIFY = 30; // documents loaded to check phrases exactly before ranking
  var root = (app.getAttribute('data-root') || '/').replace(/index\.html$/, '');
  var relative = app.getAttribute('data-relative') === 'true';
  var base = root + 'search/';

  var form = app.getElementsByTagName('form')[0];
  var input = document.getElementById('search-q');
  var selUnit = document.getElementById('search-unit');
  var selKind = document.getElementById('search-kind');
  var selYear = document.getElementById('search-year');
  var statusEl = document.getElementById('search-status');
  var list = document.getElementById('search-results');
  var more = document.getElementById('search-more');

  var meta = null;
  var units = []; // [{id, title, parent, depth}]
  var filterData = null; // per document, 3 numbers: unit + 1, kind, year index + 1
  var shards = {};
  var docs = {};
  var chunkStarts = []; // first document id of each d/<n>.js, ascending
  var state = {}; // key -> 'loading' | 'done' | 'failed'
  var waiters = {};
  var loadedNow = []; // files loaded for the current query
  var current = null; // the query being shown

  // ---------- loading ----------

  function finish(key, ok) {
    if (state[key] === 'done' || state[key] === 'failed') {
      return;
    }
    state[key] = ok ? 'done' : 'failed';
    var w = waiters[key] || [];
    waiters[key] = [];
    for (var i = 0; i < w.length; i++) {
      w[i](ok);
    }
  }

  window.dwgkSearchMeta = function (m) {
    meta = m;
    finish('meta', true);
  };
  if (window.dwgkSearchMetaData) {
    // meta.js ran before this script (the search page loads it first).
    window.dwgkSearchMeta(window.dwgkSearchMetaData);
  }
  window.dwgkSearchFilters = function (n, packed) {
    filterData = numbers(packed);
    finish('f', true);
  };
  window.dwgkSearchShard = function (n, postings) {
    shards[n] = postings;
    finish('s' + n, true);
  };
  window.dwgkSearchDocs = function (start, list) {
    for (var j = 0; j < list.length; j++) {
      docs[start + j] = list[j];
    }
    finish('d' + chunkOf(start), true);
  };

  /* The d/<n>.js file holding document `doc`. */
  function chunkOf(doc) {
    var lo = 0;
    var hi = chunkStarts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (chunkStarts[mid] <= doc) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  function load(key, file, cb) {
    if (state[key] === 'done' || state[key] === 'failed') {
      cb(state[key] === 'done');
      return;
    }
    (waiters[key] = waiters[key] || []).push(cb);
    if (state[key] === 'loading') {
      return;
    }
    state[key] = 'loading';
    loadedNow.push(file);
    var s = document.createElement('script');
    s.charset = 'utf-8';
    s.async = true;
    s.src = base + file;
    s.onload = function () {
      finish(key, true);
    };
    s.onerror = function () {
      finish(key, false);
    };
    (document.head || document.getElementsByTagName('head')[0]).appendChild(s);
  }

  /* Loads every [key, file] pair, then calls cb(allOk). */
  function loadAll(pairs, cb) {
    var left = pairs.length;
    var ok = true;
    if (!left) {
      cb(true);
      return;
    }
    for (var i = 0; i < pairs.length; i++) {
      load(pairs[i][0], pairs[i][1], function (fine) {
        ok = ok && fine;
        left -= 1;
        if (left === 0) {
          cb(ok);
        }
      });
    }
  }

  // ---------- text ----------

  var ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  var DIGIT = []; // by character code
  for (var a = 0; a < ALPHA.length; a++) {
    DIGIT[ALPHA.charCodeAt(a)] = a;
  }

  /* Variable-length base-64 numbers: 5 bits a character, low first; 32 = more. */
  function numbers(s) {
    var out = [];
    var n = 0;
    var mul = 1;
    for (var i = 0; i < s.length; i++) {
      var d = DIGIT[s.charCodeAt(i)];
      n += (d & 31) * mul;
      if (d & 32) {
        mul *= 32;
      } else {
        out.push(n);
        n = 0;
        mul = 1;
      }
    }
    return out;
  }

  /* A token's postings: ascending documents and their tf * 2 + inTitle
     (pairs of numbers, the document delta-coded). */
  function postings(s) {
    var docs = [];
    var vals = [];
    var doc = 0;
    var n = 0;
    var mul = 1;
    var odd = false;
    for (var i = 0; i < s.length; i++) {
      var d = DIGIT[s.charCodeAt(i)];
      n += (d & 31) * mul;
      if (d & 32) {
        mul *= 32;
        continue;
      }
      if (odd) {
        vals.push(n);
      } else {
        doc += n;
        docs.push(doc);
      }
      odd = !odd;
      n = 0;
      mul = 1;
    }
    if (docs.length > vals.length) {
      docs.pop();
    }
    return { docs: docs, vals: vals };
  }

  /* Flag `i` of a six-flags-a-character string. */
  function flag(s, i) {
    return (DIGIT[s.charCodeAt((i / 6) | 0)] >> i % 6) & 1;
  }

  /* Full-width ASCII to ASCII, ASCII letters to lower case; length unchanged. */
  function fold(s) {
    return s.replace(/[A-Z\u3000\uff01-\uff5e]/g, function (ch) {
      var c = ch.charCodeAt(0);
      return String.fromCharCode(c === 0x3000 ? 32 : c >= 0xff01 ? (c - 0xfee0 >= 65 && c - 0xfee0 <= 90 ? c - 0xfee0 + 32 : c - 0xfee0) : c + 32);
    });
  }

  function chars(s) {
    return s.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/g) || [];
  }

  function isCjk(ch) {
    var c = ch.charCodeAt(0);
    if (ch.length === 2) {
      c = (c - 0xd800) * 0x400 + ch.charCodeAt(1) - 0xdc00 + 0x10000;
      return c >= 0x20000 && c <= 0x2ffff;
    }
    return (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) || c === 0x3007;
  }

  function isWordChar(ch) {
    return /^[0-9a-z]$/.test(ch);
  }

  function imul(x, y) {
    if (Math.imul) {
      return Math.imul(x, y);
    }
    var xh = (x >>> 16) & 0xffff;
    var xl = x & 0xffff;
    var yh = (y >>> 16) & 0xffff;
    var yl = y & 0xffff;
    return (xl * yl + (((xh * yl + xl * yh) << 16) >>> 0)) | 0;
  }

  /* FNV-1a (32 bit) over code points, as in tokens.rs. */
  function hash(s) {
    var h = 0x811c9dc5 | 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        c = (c - 0xd800) * 0x400 + s.charCodeAt(++i) - 0xdc00 + 0x10000;
      }
      h = imul(h ^ c, 0x01000193);
    }
    return h >>> 0;
  }

  /*
   * The query: phrases (maximal runs of Chinese characters, letters and digits;
   * whatever else separates them) and the tokens to look up. Required tokens must
   * all be in a document; dictionary terms only add to the score.
   */
  function parse(q, dict) {
    var cs = chars(fold(q));
    var phrases = [];
    var runs = [];
    var phrase = '';
    var run = '';
    var runType = '';
    function endRun() {
      if (run) {
        runs.push({ type: runType, text: run, n: chars(run).length });
      }
      run = '';
      runType = '';
    }
    for (var i = 0; i <= cs.length; i++) {
      var ch = i < cs.length ? cs[i] : ' ';
      var type = isCjk(ch) ? 'cjk' : isWordChar(ch) ? 'word' : '';
      if (type !== runType) {
        endRun();
      }
      if (!type) {
        if (phrase) {
          phrases.push(phrase);
        }
        phrase = '';
        continue;
      }
      runType = type;
      run += ch;
      phrase += ch;
    }
    var required = [];
    var optional = [];
    var seen = {};
    function add(listTo, t) {
      if (!seen[t]) {
        seen[t] = true;
        listTo.push(t);
      }
    }
    var multi = false;
    for (var r = 0; r < runs.length; r++) {
      if (runs[r].type === 'word' || runs[r].n > 1) {
        multi = true;
      }
    }
    // A phrase that is one token (a word, two characters, a lone character or a
    // dictionary term) is matched exactly by the index: no document needs loading
    // to rank it. Otherwise phrases are checked in the documents (verify).
    var exact = runs.length === phrases.length;
    for (r = 0; r < runs.length; r++) {
      var x = runs[r];
      var whole = x.text === phrases[r] && runs.length === phrases.length;
      if (x.type === 'word') {
        add(required, x.text.substring(0, 40));
      } else if (x.n === 1) {
        // One character: only titles have unigrams, so it narrows a query only
        // when it is the whole query; beside other words it is checked as part
        // of its phrase.
        add(multi ? optional : required, x.text);
      } else {
        // A whole phrase that is a dictionary term is one token: its postings are
        // exactly the documents with the term (one shard to load, not one per bigram).
        var isTerm = false;
        for (var j = 0; j < dict.length && whole; j++) {
          isTerm = isTerm || (dict[j] === x.text && x.n > 2);
        }
        if (isTerm) {
          add(required, x.text);
        } else {
          var c = chars(x.text);
          for (var k = 0; k + 1 < c.length; k++) {
            add(required, c[k] + c[k + 1]);
          }
          for (j = 0; j < dict.length; j++) {
            if (chars(dict[j]).length > 2 && x.text.indexOf(dict[j]) >= 0) {
              add(optional, dict[j]);
            }
          }
        }
        exact = exact && (x.n === 2 || isTerm);
      }
    }
    return { phrases: phrases, required: required, optional: optional, exact: exact };
  }

  // ---------- searching ----------

  function shardOf(token) {
    return hash(token) & (meta.shards - 1);
  }

  function postingsOf(token) {
    var s = shards[shardOf(token)];
    var raw = s && Object.prototype.hasOwnProperty.call(s, token) ? s[token] : '';
    return postings(raw);
  }

  function inUnit(u, wanted) {
    // u: 1-based unit of a document (0 = none); wanted: 0-based unit index.
    var i = u - 1;
    while (i >= 0) {
      if (i === wanted) {
        return true;
      }
      i = units[i].parent;
    }
    return false;
  }

  function filtering(f) {
    return f.unit >= 0 || f.kind >= 0 || f.year > 0;
  }

  function passes(doc, f) {
    if (!filtering(f)) {
      return true;
    }
    var at = doc * 3;
    if (!filterData || at + 2 >= filterData.length) {
      return false;
    }
    if (f.unit >= 0 && !inUnit(filterData[at], f.unit)) {
      return false;
    }
    if (f.kind >= 0 && filterData[at + 1] !== f.kind) {
      return false;
    }
    var y = filterData[at + 2];
    if (f.year > 0 && (!y || meta.years[y - 1] !== f.year)) {
      return false;
    }
    return true;
  }

  function weight(v) {
    return 1 + Math.log(Math.max(1, Math.floor(v / 2)));
  }

  /* Position of `doc` in the ascending list `l` from `from` on (or past the end). */
  function seek(l, from, doc) {
    while (from < l.docs.length && l.docs[from] < doc) {
      from++;
    }
    return from;
  }

  /* Candidates with their coarse score, best first (before phrase checks). */
  function candidates(p, f) {
    var n = meta.n;
    var lists = [];
    for (var i = 0; i < p.required.length; i++) {
      var l = postingsOf(p.required[i]);
      if (!l.docs.length) {
        return [];
      }
      l.idf = Math.log(1 + n / l.docs.length);
      l.at = 0;
      lists.push(l);
    }
    if (!lists.length) {
      return [];
    }
    lists.sort(function (x, y) {
      return x.docs.length - y.docs.length;
    });
    var extras = [];
    for (i = 0; i < p.optional.length; i++) {
      var o = postingsOf(p.optional[i]);
      if (o.docs.length) {
        o.idf = Math.log(1 + n / o.docs.length);
        o.at = 0;
        extras.push(o);
      }
    }
    var out = [];
    var first = lists[0];
    for (var k = 0; k < first.docs.length; k++) {
      var doc = first.docs[k];
      if (!passes(doc, f)) {
        continue;
      }
      var title = first.vals[k] % 2 === 1;
      var score = first.idf * weight(first.vals[k]);
      var all = true;
      for (var j = 1; j < lists.length && all; j++) {
        var x = lists[j];
        x.at = seek(x, x.at, doc);
        all = x.at < x.docs.length && x.docs[x.at] === doc;
        if (all) {
          title = title && x.vals[x.at] % 2 === 1;
          score += x.idf * weight(x.vals[x.at]);
        }
      }
      if (!all) {
        continue;
      }
      for (j = 0; j < extras.length; j++) {
        var e = extras[j];
        e.at = seek(e, e.at, doc);
        if (e.at < e.docs.length && e.docs[e.at] === doc) {
          score += 2 * e.idf * weight(e.vals[e.at]);
          title = title || e.vals[e.at] % 2 === 1;
        }
      }
      out.push({ doc: doc, title: title, score: score, expired: expired(doc), tier: 0 });
    }
    return out;
  }

  /* Puts the best `k` candidates from `from` on, in coarse order, at the front of
     that part (one pass: most candidates of a common word are never sorted). */
  function sortHead(cands, from, k) {
    var head = [];
    var rest = [];
    for (var i = from; i < cands.length; i++) {
      var c = cands[i];
      if (head.length === k && byCoarse(c, head[k - 1]) > 0) {
        rest.push(c);
        continue;
      }
      var at = head.length;
      while (at > 0 && byCoarse(c, head[at - 1]) < 0) {
        at--;
      }
      head.splice(at, 0, c);
      if (head.length > k) {
        rest.push(head.pop());
      }
    }
    var sorted = cands.slice(0, from).concat(head);
    return { cands: sorted.concat(rest), sorted: sorted.length };
  }

  function expired(doc) {
    return meta.expired ? flag(meta.expired, doc) : 0;
  }

  function byCoarse(x, y) {
    if (x.title !== y.title) {
      return x.title ? -1 : 1;
    }
    if (x.expired !== y.expired) {
      return x.expired ? 1 : -1;
    }
    return y.score - x.score || x.doc - y.doc;
  }

  /* Exact order: title has every phrase, then the text has every phrase, then
     the rest; within a tier current before expired, by score, newer first. */
  function byTier(x, y) {
    if (x.tier !== y.tier) {
      return y.tier - x.tier;
    }
    if (x.expired !== y.expired) {
      return x.expired ? 1 : -1;
    }
    if (y.score !== x.score) {
      return y.score - x.score;
    }
    var dx = (docs[x.doc] && docs[x.doc].d) || '';
    var dy = (docs[y.doc] && docs[y.doc].d) || '';
    return dx < dy ? 1 : dx > dy ? -1 : x.doc - y.doc;
  }

  /* Whether `hay` contains `phrase` as the index sees it: a phrase starting or
     ending with a letter or digit does not continue a longer word there. */
  function contains(hay, phrase) {
    var wordStart = isWordChar(phrase.charAt(0));
    var wordEnd = isWordChar(phrase.charAt(phrase.length - 1));
    for (var at = hay.indexOf(phrase); at >= 0; at = hay.indexOf(phrase, at + 1)) {
      var end = at + phrase.length;
      if ((!wordStart || at === 0 || !isWordChar(hay.charAt(at - 1))) && (!wordEnd || end >= hay.length || !isWordChar(hay.charAt(end)))) {
        return true;
      }
    }
    return false;
  }

  /* 3: the title has every phrase; 2: the text has every phrase; 1: not every
     phrase is there as written; 0: the document could not be loaded. Tier 3
     implies every required token has its title flag (the coarse `title`). */
  function tierOf(c, phrases) {
    var d = docs[c.doc];
    if (!d) {
      return 0;
    }
    var t = fold(d.t);
    var x = fold(d.x || '');
    var inTitle = true;
    var inText = true;
    for (var i = 0; i < phrases.length; i++) {
      var a = contains(t, phrases[i]);
      inTitle = inTitle && a;
      inText = inText && (a || contains(x, phrases[i]));
    }
    return inTitle ? 3 : inText ? 2 : 1;
  }

  /* Whether checked candidate `v` ranks before unchecked `u` whatever u's text
     turns out to be: u's tier is at most 3 with a coarse title hit, else 2;
     u's date orders like its id (the index numbers documents newest first). */
  function beats(v, u) {
    var best = u.title ? 3 : 2;
    if (v.tier !== best) {
      return v.tier > best;
    }
    if (v.expired !== u.expired) {
      return !v.expired;
    }
    // Equal scores: newer first, and documents are numbered newest first.
    return v.score > u.score || (v.score === u.score && v.doc < u.doc);
  }

  /* The checked part of the window whose order is final: checked candidates in
     exact order, as long as each one beats every unchecked candidate. */
  function settled(q) {
    var end = Math.min(q.window, q.cands.length);
    var checked = [];
    var open = [];
    for (var i = 0; i < end; i++) {
      var c = q.cands[i];
      if (!c.tier && (docs[c.doc] || state['d' + chunkOf(c.doc)] === 'failed')) {
        c.tier = tierOf(c, q.parsed.phrases) || -1;
      }
      (c.tier ? checked : open).push(c);
    }
    checked.sort(byTier);
    var out = [];
    for (var j = 0; j < checked.length; j++) {
      for (var k = 0; k < open.length; k++) {
        if (!beats(checked[j], open[k])) {
          return out;
        }
      }
      out.push(checked[j]);
    }
    return out;
  }

  /* Loads the documents of the window (the first `upto` candidates, best first)
     and calls `progress` after each file, then `done`. Every candidate of the
     window is checked: phrases as written (a phrase query) and the tier order. */
  function loadWindow(q, upto, progress, done) {
    q.window = Math.max(q.window || 0, Math.min(upto, q.cands.length));
    if (q.sorted < q.window) {
      var h = sortHead(q.cands, q.sorted, Math.max(q.window - q.sorted, PAGE * 5));
      q.cands = h.cands;
      q.sorted = h.sorted;
    }
    var pairs = [];
    var seen = {};
    for (var i = 0; i < q.window; i++) {
      var c = chunkOf(q.cands[i].doc);
      if (!seen[c]) {
        seen[c] = true;
        pairs.push(['d' + c, 'd/' + c + '.js']);
      }
    }
    var left = pairs.length + 1;
    function one() {
      left -= 1;
      if (current !== q) {
        return;
      }
      if (left > 0) {
        progress();
        return;
      }
      var head = settled(q);
      q.cands = head.concat(q.cands.slice(head.length));
      q.sorted = Math.max(q.sorted, head.length);
      done();
    }
    for (var p = 0; p < pairs.length; p++) {
      load(pairs[p][0], pairs[p][1], one);
    }
    one();
  }

  // ---------- showing ----------

  function el(name, cls, text) {
    var e = document.createElement(name);
    if (cls) {
      e.className = cls;
    }
    if (text) {
      e.appendChild(document.createTextNode(text));
    }
    return e;
  }

  /* Terms to highlight, longest first: the phrases, then their bigrams and words. */
  function marks(p) {
    var out = p.phrases.slice();
    var parts = p.required.concat(p.optional);
    for (var i = 0; i < parts.length; i++) {
      if (out.indexOf(parts[i]) < 0) {
        out.push(parts[i]);
      }
    }
    out.sort(function (x, y) {
      return y.length - x.length;
    });
    return out;
  }

  /* Appends `text` to `parent` with every occurrence of a term in <mark>. */
  function highlight(parent, text, terms) {
    var folded = fold(text);
    var i = 0;
    var plain = 0;
    while (i < text.length) {
      var hit = 0;
      for (var k = 0; k < terms.length; k++) {
        var t = terms[k];
        if (t && folded.substr(i, t.length) === t) {
          hit = t.length;
          break;
        }
      }
      if (hit) {
        if (i > plain) {
          parent.appendChild(document.createTextNode(text.substring(plain, i)));
        }
        parent.appendChild(el('mark', '', text.substr(i, hit)));
        i += hit;
        plain = i;
      } else {
        i++;
      }
    }
    if (plain < text.length) {
      parent.appendChild(document.createTextNode(text.substring(plain)));
    }
  }

  function snippet(text, terms) {
    var folded = fold(text);
    var at = -1;
    for (var k = 0; k < terms.length && at < 0; k++) {
      at = terms[k] ? folded.indexOf(terms[k]) : -1;
    }
    if (at < 0) {
      at = 0;
    }
    var start = Math.max(0, at - 40);
    var end = Math.min(text.length, at + 120);
    // Do not cut a surrogate pair.
    if (start > 0 && /[\uDC00-\uDFFF]/.test(text.charAt(start))) {
      start--;
    }
    if (end < text.length && /[\uDC00-\uDFFF]/.test(text.charAt(end))) {
      end++;
    }
    return (start > 0 ? '…' : '') + text.substring(start, end) + (end < text.length ? '…' : '');
  }

  function urlOf(d) {
    var u = d.u || '';
    if (relative && (u === '' || u.charAt(u.length - 1) === '/')) {
      u += 'index.html';
    }
    return root + u;
  }

  /* One result: title, kind, expired badge, unit, date, highlighted snippet. */
  function item(c, d, terms) {
    var li = el('li', 'search-result' + (c.expired ? ' is-expired' : ''));
    var h = el('h2', 'search-result-title');
    var a = el('a');
    a.href = urlOf(d);
    highlight(a, d.t, terms);
    h.appendChild(a);
    li.appendChild(h);
    var m = el('p', 'entry-meta');
    if (d.k) {
      m.appendChild(el('span', 'badge badge-kind', d.k));
    }
    if (c.expired) {
      m.appendChild(el('span', 'badge badge-expired', '已过公示期'));
    }
    if (d.n) {
      m.appendChild(el('span', 'entry-unit', d.n));
    }
    if (d.d) {
      var time = el('time', 'entry-date', d.d);
      time.setAttribute('datetime', d.d);
      m.appendChild(time);
    }
    li.appendChild(m);
    var s = el('p', 'search-snippet');
    highlight(s, snippet(d.x || '', terms), terms);
    li.appendChild(s);
    return li;
  }

  /* Appends the results whose place is already final (up to q.shown): the first
     one appears as soon as its document and the ones it must beat are in. */
  function showSettled(q) {
    var order = settled(q);
    var limit = Math.min(q.shown, q.cands.length);
    while (q.rendered < limit && q.rendered < order.length) {
      var c = order[q.rendered];
      q.rendered += 1;
      if (docs[c.doc]) {
        list.appendChild(item(c, docs[c.doc], q.terms));
        if (!app.getAttribute('data-first-ms')) {
          app.setAttribute('data-first-ms', (now() - q.started).toFixed(1));
        }
      }
    }
  }

  /* The whole list again (after 显示更多结果 widened the checked window). */
  function render(q) {
    list.innerHTML = '';
    var shown = Math.min(q.shown, q.cands.length);
    for (var i = 0; i < shown; i++) {
      var d = docs[q.cands[i].doc];
      if (d) {
        list.appendChild(item(q.cands[i], d, q.terms));
      }
    }
    q.rendered = shown;
    if (shown >= q.cands.length) {
      more.setAttribute('hidden', '');
    } else {
      more.removeAttribute('hidden');
    }
  }

  function say(text) {
    statusEl.innerHTML = '';
    statusEl.appendChild(document.createTextNode(text));
  }

  function now() {
    return window.performance && performance.now ? performance.now() : new Date().getTime();
  }

  function filters() {
    var f = { unit: -1, kind: -1, year: 0 };
    for (var i = 0; i < units.length; i++) {
      if (units[i].id === selUnit.value) {
        f.unit = i;
      }
    }
    for (var k = 0; k < meta.kinds.length; k++) {
      if (meta.kinds[k][0] === selKind.value) {
        f.kind = k;
      }
    }
    f.year = +selYear.value || 0;
    return f;
  }

  /* Records on the app element (for tests and bench/search.py): milliseconds to
     the first shown result (data-first-ms) and to the whole answer (data-ms),
     the index files this query loaded and the query (data-query). All four are
     removed when the next query starts. */
  function measured(q) {
    var ms = now() - q.started;
    if (!app.getAttribute('data-first-ms')) {
      app.setAttribute('data-first-ms', ms.toFixed(1));
    }
    app.setAttribute('data-ms', ms.toFixed(1));
    app.setAttribute('data-loaded', loadedNow.join(' '));
    app.setAttribute('data-query', q.text);
    return ms;
  }

  /* Loads the shards of the parsed query's tokens (and `extra` [key, file] pairs),
     all at once, then calls cb(allOk). */
  function loadShards(parsed, extra, cb) {
    var tokens = parsed.required.concat(parsed.optional);
    var pairs = extra.slice();
    var wanted = {};
    for (var i = 0; i < tokens.length; i++) {
      var s = shardOf(tokens[i]);
      if (!wanted[s]) {
        wanted[s] = true;
        pairs.push(['s' + s, 's/' + s + '.js']);
      }
    }
    loadAll(pairs, cb);
  }

  function run() {
    var text = input.value.replace(/^\s+|\s+$/g, '');
    var q = { text: text, started: now(), shown: PAGE, window: 0, sorted: 0, rendered: 0, cands: [] };
    current = q;
    loadedNow = [];
    // The measurements describe one query: a new one clears the last one's, so
    // data-ms never says "answered" while this one is still loading.
    app.removeAttribute('data-first-ms');
    app.removeAttribute('data-ms');
    app.removeAttribute('data-loaded');
    app.removeAttribute('data-query');
    list.innerHTML = '';
    more.setAttribute('hidden', '');
    if (!text) {
      say('请输入要查找的词语。');
      return;
    }
    say('正在搜索……');
    load('meta', 'meta.js', function (ok) {
      if (current !== q) {
        return;
      }
      if (!ok || !meta || meta.v !== VERSION) {
        say('搜索索引加载失败：请确认网站已完整生成（search/ 文件夹），然后刷新本页。');
        return;
      }
      setup();
      q.parsed = parse(text, meta.dict || []);
      q.terms = marks(q.parsed);
      if (!q.parsed.required.length) {
        say('请输入汉字、字母或数字。');
        return;
      }
      var f = filters();
      // The shards of the query's tokens, and the filter table only when a filter
      // is set.
      loadShards(q.parsed, filtering(f) ? [['f', 'f.js']] : [], function (fine) {
        if (current !== q) {
          return;
        }
        if (!fine) {
          say('搜索索引加载失败，请刷新本页重试。');
          return;
        }
        q.cands = candidates(q.parsed, f);
        if (!q.cands.length) {
          measured(q);
          say('没有找到与“' + text + '”相关的内容。可以换一个词，或减少筛选条件。');
          return;
        }
        say('找到 ' + q.cands.length + ' 条与“' + text + '”相关的结果，正在显示……');
        // A phrase that is not one token is checked in the first VERIFY documents.
        var upto = q.parsed.exact ? q.shown : Math.max(VERIFY, q.shown);
        loadWindow(q, upto, function () {
          showSettled(q);
        }, function () {
          showSettled(q);
          if (q.rendered < Math.min(q.shown, q.cands.length)) {
            render(q);
          }
          if (q.shown >= q.cands.length) {
            more.setAttribute('hidden', '');
          } else {
            more.removeAttribute('hidden');
          }
          var ms = measured(q);
          say('找到 ' + q.cands.length + ' 条与“' + text + '”相关的结果（用时 ' + Math.round(ms) + ' 毫秒）。');
        });
      });
    });
  }

  var ready = false;

  function option(sel, value, label) {
    var o = el('option', '', label);
    o.value = value;
    sel.appendChild(o);
  }

  /* Filter choices from the index (units indented by level). */
  function setup() {
    if (ready) {
      return;
    }
    ready = true;
    var starts = numbers(meta.chunks || '');
    for (var c = 0, at = 0; c < starts.length; c++) {
      at += starts[c];
      chunkStarts.push(at);
    }
    for (var u = 0; u < meta.units.length; u++) {
      var x = meta.units[u];
      var depth = x[2] >= 0 ? units[x[2]].depth + 1 : 0;
      units.push({ id: x[0], title: x[1], parent: x[2], depth: depth });
      option(selUnit, x[0], new Array(depth + 1).join('\u3000') + x[1]);
    }
    for (var k = 0; k < meta.kinds.length; k++) {
      option(selKind, meta.kinds[k][0], meta.kinds[k][1]);
    }
    var years = {};
    for (var j = 0; j < meta.years.length; j++) {
      years[meta.years[j]] = true;
      option(selYear, String(meta.years[j]), meta.years[j] + ' 年');
    }
    var params = readParams();
    if (params.year && /^\d{4}$/.test(params.year) && !years[params.year]) {
      // A bookmarked year with nothing in it: keep the choice (no results), do not drop it.
      option(selYear, params.year, params.year + ' 年');
    }
    selUnit.value = params.unit || '';
    selKind.value = params.kind || '';
    selYear.value = params.year || '';
  }

  function readParams() {
    var out = {};
    var s = (window.location.search || '').replace(/^\?/, '');
    var parts = s ? s.split('&') : [];
    for (var i = 0; i < parts.length; i++) {
      var kv = parts[i].split('=');
      try {
        out[decodeURIComponent(kv[0])] = decodeURIComponent((kv[1] || '').replace(/\+/g, ' '));
      } catch (e) {
        // A malformed parameter is ignored.
      }
    }
    return out;
  }

  function remember() {
    if (!window.history || !history.replaceState) {
      return;
    }
    var q = '?q=' + encodeURIComponent(input.value);
    if (selUnit.value) {
      q += '&unit=' + encodeURIComponent(selUnit.value);
    }
    if (selKind.value) {
      q += '&kind=' + encodeURIComponent(selKind.value);
    }
    if (selYear.value) {
      q += '&year=' + encodeURIComponent(selYear.value);
    }
    try {
      history.replaceState(null, '', q);
    } catch (e) {
      // Some browsers refuse it for file:// pages; the results still show.
    }
  }

  form.onsubmit = function (e) {
    if (e && e.preventDefault) {
      e.preventDefault();
    }
    remember();
    run();
    return false;
  };
  selUnit.onchange = selKind.onchange = selYear.onchange = function () {
    if (input.value) {
      remember();
      run();
    }
  };
  more.onclick = function () {
    var q = current;
    if (!q) {
      return;
    }
    q.shown += PAGE;
    // A wider window may reorder what is shown: the list is drawn again when its
    // documents are in.
    loadWindow(q, q.parsed.exact ? q.shown : q.shown + VERIFY - PAGE, function () {}, function () {
      render(q);
    });
  };

  var first = readParams();
  input.value = first.q || '';
  if (input.value) {
    // Filters are set from the URL once the index (with its choices) is loaded.
    run();
  } else {
    say('请输入要查找的词语。');
    // The filter choices come with meta.js (preloaded by the page).
    load('meta', 'meta.js', function (ok) {
      if (ok && meta && meta.v === VERSION) {
        setup();
      }
    });
  }
})();
