/*
 * dwgk 站内搜索 / site search (docs/search.md)
 *
 * Loads the index the build wrote under search/ on demand, as <script> files that
 * call the registration functions below: meta.js (counts, the dictionary, units,
 * kinds, years, which documents are expired), f.js (unit, kind and year of every
 * document: only when a filter is set), s/<n>.js (postings of the bigrams, terms
 * and words whose hash falls in shard n; a common token's list stands in a file of
 * its own, b/<hash>.js, requested with the shard when meta.js's Bloom filter has
 * the token), u/<n>.js (postings of single characters, for one-character queries),
 * d/<id>.js (one document: title, URL, date, unit, the first 500 characters of its
 * text) and e/<id>.js, e/<id>-2.js … (the rest of its text in pieces of 1,500
 * characters: the first requested with d/ when the postings say the query's tokens
 * are only further in, the next ones one by one while the query is not found in
 * the text so far, within a budget per query). <script> works over HTTP and from a folder
 * opened with file:// (where fetch/XHR of local files is blocked). No external
 * request; ES5 so old intranet browsers run it. The build strips comments and
 * indentation from this file (build.rs).
 *
 * A query loads its shards (in parallel; the search page runs meta.js before this
 * script, so they are requested the moment a query starts), scores every
 * candidate from the postings alone (BM25 impact + field weight, tokens.rs), then
 * loads only the documents it shows, best first; each result appears as soon as
 * the ones above it are in. Two round trips for most queries: shards, then
 * documents.
 *
 * Tokens mirror src/render/search/tokens.rs: Chinese as character bigrams and
 * single characters, dictionary terms of 3+ characters as whole tokens, ASCII
 * letters/digits as lower-case words; full-width ASCII folded.
 */
(function () {
  'use strict';

  var app = document.getElementById('dwgk-search');
  if (!app || !document.createElement) {
    return;
  }
  var VERSION = 7;
  var PAGE = 10; // results shown per step
  var VERIFY = 30; // most documents checked for phrases per step of PAGE results
  // Characters of document text a query may load beyond what it shows, per step of
  // PAGE results (about 24 KB): phrase checks and snippets past the head stop there.
  var BUDGET = 8000;
  var HEAD = 500; // characters in d/<id>.js
  var PIECE = 1500; // characters in each piece of the rest
  // Bytes of membership files (b/<name>-m.js: which documents have a very common
  // token) a query without a filter loads to get its exact result set; past it, the
  // best postings of those tokens stand for them (see candidates).
  var MEMBERS = 24576;
  // Ranking (docs/search.md): per token idf x (BM25 term-frequency part + the
  // weight of its best field). The numbers come with meta.js (`rank`, from
  // tokens.rs): the steps of the impact and the field levels of a posting's value,
  // BM25's k1, the weight of each level (body, heading — each past the head of the
  // text, then in it — title contains, starts with, is), what a title that starts
  // with the query adds (see candidates) and the factor of an expired page.
  var IMPACT, LEVELS, K1, FIELD, LEADS, EXPIRED;
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
  var bigs = {}; // common tokens' postings by file name (b/<name>.js), then token
  var cuts = {}; // of a very common token: [documents, floor value, membership bytes]
  var members = {}; // which documents have a very common token (b/<name>-m.js)
  var docs = {};
  var rests = {}; // the rest of a text that came before its document
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
    var r = m.rank || {};
    IMPACT = r.impact;
    LEVELS = r.levels;
    K1 = r.k1;
    FIELD = r.field;
    LEADS = r.leads;
    EXPIRED = r.expired;
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
  // A very common token's list is cut to its best postings; `cut` then says, per
  // token, [documents, the value standing for those left out, bytes of its
  // membership file].
  window.dwgkSearchBig = function (name, lists, cut) {
    bigs[name] = lists;
    cuts[name] = cut || {};
    finish('b' + name, true);
  };
  window.dwgkSearchMember = function (name, lists) {
    members[name] = lists;
    finish('m' + name, true);
  };
  // d/ and the first piece of the rest (e/) of a document may arrive in either
  // order; the pieces of the rest are joined to the text in order.
  window.dwgkSearchDoc = function (id, d) {
    d.p = 0; // pieces of the rest joined (d.m: how many there are)
    docs[id] = d;
    join(id);
    finish('d' + id, true);
  };
  window.dwgkSearchRest = function (id, k, rest) {
    (rests[id] = rests[id] || {})[k] = rest;
    join(id);
    finish(piece(id, k)[0], true);
  };

  function join(id) {
    var d = docs[id];
    var r = rests[id];
    while (d && r && r[d.p + 1] !== undefined) {
      d.x += r[d.p + 1];
      delete r[d.p + 1];
      d.p += 1;
    }
  }

  /* [key, file] of piece k of a document's rest: e/<id>.js, e/<id>-2.js … */
  function piece(id, k) {
    var name = id + (k > 1 ? '-' + k : '');
    return ['e' + name, 'e/' + name + '.js'];
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

  var Ints = window.Int32Array || Array;

  /* A token's postings: `n` ascending documents and their values (impact * LEVELS
     + field level; pairs of numbers, the document delta-coded), in typed arrays. */
  function postings(s) {
    var room = (s.length >> 1) + 1;
    var docs = new Ints(room);
    var vals = new Ints(room);
    var doc = 0;
    var n = 0;
    var mul = 1;
    var odd = false;
    var count = 0;
    for (var i = 0; i < s.length; i++) {
      var d = DIGIT[s.charCodeAt(i)];
      n += (d & 31) * mul;
      if (d & 32) {
        mul *= 32;
        continue;
      }
      if (odd) {
        vals[count++] = n;
      } else {
        doc += n;
        docs[count] = doc;
      }
      odd = !odd;
      n = 0;
      mul = 1;
    }
    return { docs: docs, vals: vals, n: count };
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
   * all be in a document; dictionary terms inside a longer phrase add to the score.
   * A phrase that is one token (a word, one or two characters, a dictionary term)
   * is matched exactly by its postings; any other phrase is checked as written in
   * the documents (`exact` false).
   */
  function parse(q, dict) {
    var cs = chars(fold(q));
    var phrases = [];
    var runs = []; // per phrase: its runs of one type, [{type, text, n}]
    var cur = null;
    for (var i = 0; i <= cs.length; i++) {
      var ch = i < cs.length ? cs[i] : ' ';
      var type = isCjk(ch) ? 'cjk' : isWordChar(ch) ? 'word' : '';
      if (!type) {
        cur = null;
        continue;
      }
      if (!cur) {
        cur = [];
        runs.push(cur);
        phrases.push('');
      }
      var last = cur[cur.length - 1];
      if (!last || last.type !== type) {
        last = { type: type, text: '', n: 0 };
        cur.push(last);
      }
      last.text += ch;
      last.n += 1;
      phrases[phrases.length - 1] += ch;
    }
    var required = [];
    var optional = [];
    var seen = {};
    function add(to, t) {
      if (!seen[t]) {
        seen[t] = true;
        to.push(t);
      }
    }
    var exact = true;
    for (var p = 0; p < runs.length; p++) {
      var alone = runs[p].length === 1;
      exact = exact && alone;
      for (var r = 0; r < runs[p].length; r++) {
        var x = runs[p][r];
        if (x.type === 'word') {
          add(required, x.text.substring(0, 40));
        } else if (x.n === 1) {
          // A lone character is a token of its own only as a whole phrase;
          // beside a word (2024年) it is checked as part of its phrase.
          if (alone) {
            add(required, x.text);
          }
        } else if (x.n === 2 || isTerm(x.text, dict)) {
          add(required, x.text);
        } else {
          exact = false;
          var c = chars(x.text);
          for (var k = 0; k + 1 < c.length; k++) {
            add(required, c[k] + c[k + 1]);
          }
          for (var j = 0; j < dict.length; j++) {
            if (x.text.indexOf(dict[j]) >= 0) {
              add(optional, dict[j]);
            }
          }
        }
      }
    }
    return { phrases: phrases, required: required, optional: optional, exact: exact };
  }

  function isTerm(t, dict) {
    for (var j = 0; j < dict.length; j++) {
      if (dict[j] === t) {
        return true;
      }
    }
    return false;
  }

  // ---------- searching ----------

  /* Shard of a token: single characters have shard files of their own (u/, as
     many as meta.ushards), numbered here after the others. */
  function shardOf(token) {
    var h = hash(token);
    return chars(token).length === 1 && isCjk(token) ? meta.shards + (h & (meta.ushards - 1)) : h & (meta.shards - 1);
  }

  function shardFile(s) {
    return s < meta.shards ? 's/' + s + '.js' : 'u/' + (s - meta.shards) + '.js';
  }

  function has(o, key) {
    return !!o && Object.prototype.hasOwnProperty.call(o, key);
  }

  /* A token's entry in its shard: its postings code, or 1 when a file of its own
     holds them (a common token), or ''. A token meta.js's filter has is looked up
     in its own file alone (its shard is not loaded): every token of the index that
     passes the filter is in the file of its hash (shards.rs `file`). */
  function entry(token) {
    var s = shards[shardOf(token)];
    if (s || !maybeBig(token)) {
      return has(s, token) ? s[token] : '';
    }
    return has(bigs[bigName(token)], token) ? 1 : '';
  }

  /* The file of a common token's postings: its hash in hex ('u' first for a
     single character, whose shards are apart). */
  function bigName(token) {
    return (shardOf(token) >= meta.shards ? 'u' : '') + hash(token).toString(16);
  }

  /* Whether meta.js's Bloom filter has the token's hash: then it probably has a
     file of its own, requested together with its shard (shards.rs `bloom`). */
  function maybeBig(token) {
    var bits = meta.big ? meta.big.length * 6 : 0;
    if (!bits) {
      return false;
    }
    var h = hash(token);
    var step = (imul(h, 0x5bd1e995) | 1) >>> 0;
    for (var i = 0; i < meta.probes; i++) {
      if (!flag(meta.big, (h + i * step) % bits)) {
        return false;
      }
    }
    return true;
  }

  /* A very common token's [documents, floor value, membership bytes], or null. */
  function cutOf(token) {
    var name = bigName(token);
    return typeof entry(token) === 'number' && has(cuts[name], token) ? cuts[name][token] : null;
  }

  /* A token's postings. Of a very common token, its best ones (`cut`, `df` its
     documents) — or, when its membership file is in, every document with it,
     those left out of the best with the floor value (the best of theirs). */
  function postingsOf(token) {
    var raw = entry(token);
    if (typeof raw === 'number') {
      var lists = bigs[bigName(token)];
      raw = has(lists, token) ? lists[token] : '';
    }
    var l = postings(raw);
    var cut = cutOf(token);
    if (cut) {
      var m = members[bigName(token)];
      l = has(m, token) ? everyDocument(l, m[token], cut[1]) : l;
      l.cut = !has(m, token);
      l.df = cut[0];
      l.floor = cut[1];
      l.token = token;
    }
    return l;
  }

  /* The documents of a membership code ([0, documents] delta-coded, [1, the
     documents without the token] delta-coded, [2, a bitset]), with the values of
     `best` where it has them, else `floor`. */
  function everyDocument(best, m, floor) {
    var n = meta.n;
    var without = {};
    var list = [];
    var d;
    if (m[0] === 2) {
      for (d = 0; d < n; d++) {
        if (flag(m[1], d)) {
          list.push(d);
        }
      }
    } else {
      var deltas = numbers(m[1]);
      for (var i = 0, at = 0; i < deltas.length; i++) {
        at += deltas[i];
        if (m[0] === 0) {
          list.push(at);
        } else {
          without[at] = true;
        }
      }
      if (m[0] === 1) {
        for (d = 0; d < n; d++) {
          if (!without[d]) {
            list.push(d);
          }
        }
      }
    }
    var out = { docs: new Ints(list.length), vals: new Ints(list.length), n: list.length };
    for (var k = 0, j = 0; k < list.length; k++) {
      out.docs[k] = list[k];
      j = seek(best, j, list[k]);
      out.vals[k] = j < best.n && best.docs[j] === list[k] ? best.vals[j] : floor;
    }
    return out;
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

  /* A posting's score: the token's idf times its BM25 term-frequency part plus
     the weight of the best field it is in (its value: impact * LEVELS + level). */
  function points(l, v) {
    return l.idf * ((((v / LEVELS) | 0) / IMPACT) * (K1 + 1) + FIELD[v % LEVELS]);
  }

  /* The list with its idf and `pts[v]`, the points of every possible value (a
     table look-up per posting instead of the arithmetic). */
  function withIdf(l) {
    var df = l.df || l.n;
    l.idf = Math.log(1 + (meta.n - df + 0.5) / (df + 0.5));
    l.at = 0;
    l.pts = new (window.Float64Array || Array)(IMPACT * LEVELS + LEVELS);
    for (var v = 0; v < l.pts.length; v++) {
      l.pts[v] = points(l, v);
    }
    return l;
  }

  /* Position of `doc` in the ascending list `l` from `from` on (or past the end). */
  function seek(l, from, doc) {
    while (from < l.n && l.docs[from] < doc) {
      from++;
    }
    return from;
  }

  /* Expired documents (meta.js: [0, a bitset] or [1, their ids delta-coded]) as
     a table by document, made once. */
  var expiredTable = null;
  function expiredDocs() {
    if (!expiredTable) {
      var e = meta.expired || [1, ''];
      expiredTable = new (window.Uint8Array || Array)(meta.n);
      if (e[0] === 0) {
        for (var d = 0; d < meta.n; d++) {
          expiredTable[d] = flag(e[1], d);
        }
      } else {
        var ids = numbers(e[1]);
        for (var i = 0, at = 0; i < ids.length; i++) {
          at += ids[i];
          expiredTable[at] = 1;
        }
      }
    }
    return expiredTable;
  }

  /* The documents with every required token (and passing the filters), best
     first: by score (an expired page's halved), then newer (a higher id). A common
     term has thousands: each is a number in a typed array, sorted without a
     comparator; `at(i)` makes the i-th best's record when it is needed. */
  function candidates(p, f) {
    var lists = [];
    for (var i = 0; i < p.required.length; i++) {
      var l = postingsOf(p.required[i]);
      if (!l.n) {
        return ranked(null, [], []);
      }
      lists.push(withIdf(l));
    }
    var lead = lists[0]; // the query's first token
    // The smallest list first; a very common token whose membership did not come
    // (`cut`: its best postings only) after every whole list.
    lists.sort(function (x, y) {
      return (x.cut ? 1 : 0) - (y.cut ? 1 : 0) || (x.cut ? x.df - y.df : x.n - y.n);
    });
    // Then the others cut only score (their best postings, else the value left
    // out): they cannot say which documents lack them, so they do not restrict,
    // the count is an estimate and each candidate's text is searched for them.
    var approx = lists.length > 1 && !!lists[lists.length - 1].cut;
    var extras = [];
    for (i = 0; i < p.optional.length; i++) {
      var o = postingsOf(p.optional[i]);
      if (o.n) {
        extras.push(withIdf(o));
      }
    }
    var first = lists[0];
    var keys = [];
    var flags = new (window.Uint8Array || Array)(first.n);
    var some = filtering(f);
    var old = expiredDocs();
    for (var k = 0; k < first.n; k++) {
      var doc = first.docs[k];
      if (some && !passes(doc, f)) {
        continue;
      }
      var v = first.vals[k];
      var score = first.pts[v];
      var far = v % LEVELS === 0 || v % LEVELS === 2;
      var near = !far;
      var titled = v % LEVELS >= 4 ? 1 : 0; // required tokens in the title
      var leads = first === lead && v % LEVELS >= 5;
      var all = true;
      for (var j = 1; j < lists.length && all; j++) {
        var x = lists[j];
        x.at = seek(x, x.at, doc);
        all = x.at < x.n && x.docs[x.at] === doc;
        if (!all && x.cut) {
          // Maybe in it, maybe not, where unknown: the check as written will say.
          all = true;
          score += x.pts[x.floor];
        } else if (all) {
          v = x.vals[x.at];
          score += x.pts[v];
          titled += v % LEVELS >= 4 ? 1 : 0;
          leads = leads || (x === lead && v % LEVELS >= 5);
          if (v % LEVELS === 0 || v % LEVELS === 2) {
            far = true;
          } else {
            near = true;
          }
        }
      }
      if (!all) {
        continue;
      }
      for (j = 0; j < extras.length; j++) {
        var e = extras[j];
        e.at = seek(e, e.at, doc);
        if (e.at < e.n && e.docs[e.at] === doc) {
          score += e.pts[e.vals[e.at]];
        }
      }
      if (leads && titled === lists.length) {
        // The title starts with the query's first token and has every other one:
        // a page about the query, before every page that only mentions it.
        score += LEADS;
      }
      var gone = old[doc] ? 1 : 0;
      // The rest of the text is needed for a phrase check when some token is only
      // past the head; for the snippet when every token is (no title hit either).
      var rest = p.exact ? !near : far;
      flags[k] = gone | (rest ? 2 : 0);
      // The score (to 1e-5, at most 5,000) above the place in `first` (under 2^24):
      // exact in a double; ascending = best first, then the higher document.
      keys.push((5e8 - Math.round(Math.min(gone ? score * EXPIRED : score, 5000) * 1e5)) * 16777216 + (first.n - 1 - k));
    }
    if (window.Float64Array && Float64Array.prototype.sort && first.n < 16777216) {
      keys = new Float64Array(keys);
      keys.sort();
    } else {
      keys.sort(function (x, y) {
        return x - y;
      });
    }
    var out = ranked(first, keys, flags);
    // A lone very common token: its best postings come first, its count is known.
    // With cut tokens among others the candidates are at most the results (when
    // the first list is whole), or the results among its best postings: `total` is
    // scaled to its whole list, then by the share of checked candidates that have
    // every token (foundText).
    out.approx = approx;
    out.unverified = [];
    for (i = 1; i < lists.length; i++) {
      if (lists[i].cut) {
        out.unverified.push(lists[i].token);
      }
    }
    out.total = first.cut && lists.length === 1 && !some ? first.df : keys.length;
    if (approx && first.cut) {
      out.total = Math.round((out.total * first.df) / first.n);
    }
    return out;
  }

  /* Candidates in order: `length`, and `at(i)`: {doc, expired, rest}. */
  function ranked(first, keys, flags) {
    var made = [];
    return {
      length: keys.length,
      at: function (i) {
        if (!made[i]) {
          var k = first.n - 1 - (keys[i] % 16777216);
          made[i] = { doc: first.docs[k], expired: flags[k] & 1, rest: (flags[k] & 2) > 0 };
        }
        return made[i];
      }
    };
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

  /* Whether a loaded document's text has one of `terms` (for its snippet). */
  function found(d, terms) {
    var x = fold((d && d.x) || '');
    for (var i = 0; i < terms.length; i++) {
      if (terms[i] && x.indexOf(terms[i]) >= 0) {
        return true;
      }
    }
    return false;
  }

  /* Whether a loaded document has every one of `tokens` (title or text so far). */
  function hasAll(d, tokens) {
    var hay = fold(d.t) + '\n' + fold(d.x || '');
    for (var i = 0; i < tokens.length; i++) {
      if (!contains(hay, tokens[i])) {
        return false;
      }
    }
    return true;
  }

  /* Whether a loaded document has every phrase as written (title or text): the
     phrase bonus, which puts it before any candidate whose bigrams are scattered. */
  function asWritten(d, phrases) {
    var t = fold(d.t);
    var x = fold(d.x || '');
    for (var i = 0; i < phrases.length; i++) {
      if (!contains(t, phrases[i]) && !contains(x, phrases[i])) {
        return false;
      }
    }
    return true;
  }

  /*
   * The candidates in order go through a check as their documents arrive: those
   * with every phrase as written (all of them for an exact query) are shown at
   * once, in order; the others wait until the page is full or the window of
   * checked candidates (`q.cap`) is used up, then follow. Documents are requested
   * best first, at most PAGE at a time beyond those needed, each with the rest of
   * its text when the postings say the query is only there.
   */
  function advance(q) {
    var c = q.cands;
    while (q.checked < c.length && q.checked < q.requested) {
      var cand = c.at(q.checked);
      var id = cand.doc;
      var d = docs[id];
      if ((!d && state['d' + id] !== 'failed') || loading(piece(id, d ? d.p + 1 : 1)[0])) {
        break;
      }
      var next = d && d.p < d.m ? piece(id, d.p + 1) : null;
      // An estimated candidate must show it has the cut tokens that did not restrict.
      var lacks = !!d && c.approx && !hasAll(d, c.unverified);
      var needs = d && (lacks || (q.parsed.exact ? cand.rest && !found(d, q.terms) : !asWritten(d, q.parsed.phrases)));
      if (next && needs && state[next[0]] !== 'failed' && q.spent < q.budget) {
        // Not found as written (or, for the snippet, not at all) in the text so far:
        // the next piece of the rest, then check again.
        q.spent += PIECE;
        load(next[0], next[1], again(q));
        break;
      }
      q.checked += 1;
      if (lacks && d.p >= (d.m || 0)) {
        // Read to its end without a cut token: no result.
        q.dropped += 1;
        continue;
      }
      q.kept += lacks ? 0 : 1;
      if (d && !lacks && (q.parsed.exact || asWritten(d, q.parsed.phrases))) {
        q.pass.push(cand);
      } else {
        // Not as written (or not yet read far enough to tell): after those that are.
        q.fail.push(cand);
      }
    }
    showPassing(q);
    // Past the budget a phrase is not checked any further: the unchecked
    // candidates follow in their order (they have every token).
    var wanted = q.parsed.exact || q.spent < q.budget ? Math.min(q.shown - q.pass.length, q.cap - q.requested) : 0;
    if (q.pass.length < q.shown && q.checked < c.length && q.checked === q.requested && wanted > 0) {
      request(q, Math.min(c.length, q.requested + wanted));
      return;
    }
    if (q.checked === q.requested && !q.done) {
      q.done = true;
      complete(q);
    }
  }

  function loading(key) {
    return state[key] === 'loading';
  }

  function again(q) {
    return function () {
      if (current === q) {
        advance(q);
      }
    };
  }

  function request(q, upto) {
    var pairs = [];
    for (var i = q.requested; i < upto; i++) {
      var id = q.cands.at(i).doc;
      pairs.push(['d' + id, 'd/' + id + '.js']);
      q.spent += i < q.shown ? 0 : HEAD;
      if (q.cands.at(i).rest && q.spent < q.budget) {
        // The postings say the query is only past the head: the first piece with it.
        pairs.push(piece(id, 1));
        q.spent += PIECE;
      }
    }
    q.requested = upto;
    for (var p = 0; p < pairs.length; p++) {
      load(pairs[p][0], pairs[p][1], again(q));
    }
  }

  /* The first `count` in their order once checking stopped: the candidates with
     every phrase, the others checked, then the unchecked. */
  function order(q, count) {
    var out = q.pass.concat(q.fail);
    for (var i = q.checked; out.length < count && i < q.cands.length; i++) {
      out.push(q.cands.at(i));
    }
    return out.slice(0, count);
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

  /* Appends the passing results found since the last call (their place is final). */
  function showPassing(q) {
    while (q.rendered < q.shown && q.rendered < q.pass.length && q.listed === q.rendered) {
      var c = q.pass[q.rendered];
      list.appendChild(item(c, docs[c.doc], q.terms));
      q.rendered += 1;
      q.listed += 1;
      if (!app.getAttribute('data-first-ms')) {
        app.setAttribute('data-first-ms', (now() - q.started).toFixed(1));
      }
    }
  }

  /* The first `q.shown` results in their final order, loading any document
     still missing (those after the check window), then the status line. */
  function complete(q) {
    var shown = order(q, q.shown);
    var pairs = [];
    for (var i = 0; i < shown.length; i++) {
      pairs.push(['d' + shown[i].doc, 'd/' + shown[i].doc + '.js']);
    }
    loadAll(pairs, function () {
      if (current !== q) {
        return;
      }
      list.innerHTML = '';
      for (var k = 0; k < shown.length; k++) {
        var d = docs[shown[k].doc];
        if (d) {
          list.appendChild(item(shown[k], d, q.terms));
        }
      }
      q.rendered = q.listed = shown.length;
      if (q.shown >= q.cands.length) {
        more.setAttribute('hidden', '');
      } else {
        more.removeAttribute('hidden');
      }
      var ms = measured(q);
      say(foundText(q) + '（用时 ' + Math.round(ms) + ' 毫秒）。');
    });
  }

  /* 找到 N 条与“…”相关的结果 (约 N 条: an estimate, see candidates). */
  function foundText(q) {
    var n = q.cands.total === undefined ? q.cands.length : q.cands.total;
    if (q.cands.approx && q.kept + q.dropped > 0) {
      n = Math.max(q.kept, Math.round((n * q.kept) / (q.kept + q.dropped)));
    }
    return '找到' + (q.cands.approx ? '约 ' : ' ') + n + ' 条' + (q.single ? '含有' : '与') + '“' + q.text + '”' + (q.single ? '的' : '相关的') + '结果';
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
     or for those the Bloom filter says are common their own files instead, all at
     once (a file that turns out not to exist is a token the index lacks, not an
     error); then any common token's file still missing; then the membership files
     the result set needs (`membership`); then cb(allOk). */
  function loadShards(parsed, extra, cb) {
    var tokens = parsed.required.concat(parsed.optional);
    var pairs = extra.slice();
    var guesses = [];
    var wanted = {};
    for (var i = 0; i < tokens.length; i++) {
      var s = shardOf(tokens[i]);
      if (maybeBig(tokens[i])) {
        // Its own file has it if the index has it: no shard needed.
        guesses.push(['b' + bigName(tokens[i]), 'b/' + bigName(tokens[i]) + '.js']);
      } else if (!wanted[s]) {
        wanted[s] = true;
        pairs.push(['s' + s, shardFile(s)]);
      }
    }
    var left = 2;
    var ok = true;
    function then() {
      left -= 1;
      if (left > 0) {
        return;
      }
      var big = [];
      for (var j = 0; j < tokens.length && ok; j++) {
        if (typeof entry(tokens[j]) === 'number' && state['b' + bigName(tokens[j])] !== 'done') {
          big.push(['b' + bigName(tokens[j]), 'b/' + bigName(tokens[j]) + '.js']);
        }
      }
      loadAll(ok ? big : [], function (fine) {
        if (!ok || !fine) {
          cb(false);
          return;
        }
        loadAll(membership(parsed, extra.length > 0), function () {
          // A membership file that does not load leaves its token's best postings.
          cb(true);
        });
      });
    }
    loadAll(pairs, function (fine) {
      ok = fine;
      then();
    });
    loadAll(guesses, then);
  }

  /* The membership files of the very common required tokens, when the exact
     result set needs them (several required tokens, or a filter): with a filter
     all of them, else the smallest first while their bytes stay within MEMBERS
     (the others stay cut, see candidates). */
  function membership(parsed, filtered) {
    var wanted = [];
    for (var i = 0; i < parsed.required.length && (filtered || parsed.required.length > 1); i++) {
      var cut = cutOf(parsed.required[i]);
      if (cut) {
        wanted.push({ name: bigName(parsed.required[i]), bytes: cut[2] });
      }
    }
    wanted.sort(function (x, y) {
      return x.bytes - y.bytes;
    });
    var pairs = [];
    var bytes = 0;
    for (var k = 0; k < wanted.length && (filtered || bytes + wanted[k].bytes <= MEMBERS); k++) {
      bytes += wanted[k].bytes;
      pairs.push(['m' + wanted[k].name, 'b/' + wanted[k].name + '-m.js']);
    }
    return pairs;
  }

  function run() {
    var text = input.value.replace(/^\s+|\s+$/g, '');
    var q = { text: text, started: now(), shown: PAGE, cap: VERIFY, budget: BUDGET, spent: 0, kept: 0, dropped: 0, cands: ranked(null, [], []), pass: [], fail: [], checked: 0, requested: 0, rendered: 0, listed: 0 };
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
      q.single = q.parsed.phrases.length === 1 && chars(q.parsed.phrases[0]).length === 1;
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
        say(foundText(q) + '，正在显示……');
        advance(q);
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
    if (!q || !q.done) {
      return;
    }
    // Wider: more results, a wider check window; the list is drawn again when done.
    q.shown += PAGE;
    q.cap += VERIFY;
    q.budget += BUDGET;
    q.done = false;
    q.listed = -1;
    advance(q);
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
