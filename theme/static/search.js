/* Site search: every board's Pagefind index, searched as one, with results
   and excerpts written by this script (theme/templates/search.html).

   Each board has its own index in pagefind/<board>/ (plugins/gongkai/search.py):
   the first is loaded with Pagefind's own script, the others merged into it
   with mergeIndex, so one query searches the whole township.

   Names: Pagefind cuts Chinese into words one way when it indexes and the
   browser another way when it searches, so 王长顺 may be found nowhere. Each
   notice therefore carries its table cells' characters one by one, hidden
   (components/search_terms.html), and a query of Chinese characters is also
   asked as an exact phrase of single characters ("王 长 顺"): every notice
   whose cells hold the name is found, for a name of any length and for one
   that begins a longer name. Pagefind's own results are added, and of the
   first SORTED results those holding the whole query are put first.

   Excerpts are cut here from the page's text, not taken from Pagefind: they
   start at a punctuation mark, a space or the match itself, never in the
   middle of "2026年", and they never show the hidden characters. */
(function () {
  "use strict";

  var form = document.getElementById("gk-search-form");
  if (!form || location.protocol === "file:" || !("Promise" in window)) return;

  var HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3134f}";
  var ONLY_HAN = new RegExp("^[" + HAN + "]+$", "u");
  var BOUNDARY = /[\s。，、；：！？,.;:!?（）()「」『』“”"'《》〈〉【】\[\]·…—|丨]/;
  var MARKER = "⁂";      // where the index-only characters begin (search.py MARKER)
  var PAGE = 10;         // results shown at a time
  var SORTED = 40;       // the first results, read in full so that those holding the whole query come first
  var BEFORE = 16;       // how far an excerpt may start before the match, in characters
  var LENGTH = 90;       // an excerpt's length, in characters

  var input = document.getElementById("gk-search-q");
  var board = document.getElementById("gk-search-board");
  var category = document.getElementById("gk-search-category");
  var status = document.getElementById("gk-search-status");
  var list = document.getElementById("gk-search-results");
  var more = document.getElementById("gk-search-more");
  var bundles = (form.getAttribute("data-bundles") || "").split(/\s+/).filter(Boolean).map(function (b) {
    return new URL(b, location.href).pathname;
  });
  var loading = null;   // Pagefind, once loaded with every board merged
  var current = 0;      // the search whose results are on screen; older ones are dropped
  var timer = null;
  var missing = 0;      // boards whose index could not be merged

  function pagefind() {
    if (!loading) {
      loading = import(bundles[0] + "pagefind.js").then(function (pf) {
        // One board's index that cannot be read must not take the others' away: Pagefind keeps
        // a merged index that failed to load and then fails every search, so each is asked first.
        return Promise.all(bundles.slice(1).map(function (b) {
          return fetch(b + "pagefind-entry.json").then(function (response) {
            if (!response.ok) throw new Error(b);
            return pf.mergeIndex(b);
          }).catch(function () { missing += 1; });
        })).then(function () { return pf; });
      });
    }
    return loading;
  }

  function say(text) { status.textContent = text; }

  function gaps() {
    return missing ? "（有 " + missing + " 个公开栏的搜索索引没能读取，结果可能不全，请稍后再试。）" : "";
  }

  /* Every result for the query: exact phrase of characters first, then Pagefind's own. */
  function find(pf, query, filters) {
    var searches = [pf.search(query, {filters: filters})];
    var name = query.replace(/[·•・‧．]/g, "");  // 阿卜杜·热合曼: the cell's characters follow each other (search.py)
    if (ONLY_HAN.test(name)) {
      searches.unshift(pf.search("\"" + Array.from(name).join(" ") + "\"", {filters: filters}));
    }
    return Promise.all(searches).then(function (found) {
      var seen = new Set(), results = [];
      found.forEach(function (f) {
        (f ? f.results : []).forEach(function (r) {
          if (!seen.has(r.id)) { seen.add(r.id); results.push(r); }
        });
      });
      return results;
    });
  }

  /* Where in the text the query is: the whole query, else its first word found, else its first two characters. */
  function locate(text, query) {
    var at = text.indexOf(query);
    if (at >= 0) return [at, query.length];
    var parts = query.split(" ").concat(Array.from(query.replace(/\s+/g, "")).map(function (c, i, all) {
      return i + 1 < all.length ? c + all[i + 1] : c;
    }));
    for (var i = 0; i < parts.length; i++) {
      at = parts[i] ? text.indexOf(parts[i]) : -1;
      if (at >= 0) return [at, parts[i].length];
    }
    return [0, 0];
  }

  /* An excerpt that starts at a boundary (or at the match) and marks every occurrence of the query. */
  function excerpt(content, query) {
    var text = content.split(MARKER)[0].replace(/\s+/g, " ").trim();
    var found = locate(text, query), at = found[0];
    var start = at;
    for (var i = at - 1; i >= Math.max(0, at - BEFORE); i--) {
      if (BOUNDARY.test(text[i])) { start = i + 1; break; }
      if (i === 0) start = 0;
    }
    var end = Math.min(text.length, start + LENGTH);
    var piece = text.slice(start, end).trim();
    var p = document.createElement("p");
    p.className = "gk-result__excerpt";
    if (start > 0) p.appendChild(document.createTextNode("…"));
    var marked = found[1] ? text.substr(at, found[1]) : "";
    var rest = piece;
    while (marked && rest.indexOf(marked) >= 0) {
      var k = rest.indexOf(marked);
      p.appendChild(document.createTextNode(rest.slice(0, k)));
      var m = document.createElement("mark");
      m.textContent = marked;
      p.appendChild(m);
      rest = rest.slice(k + marked.length);
    }
    p.appendChild(document.createTextNode(rest + (end < text.length ? "…" : "")));
    return {node: p, whole: holds(content, query)};
  }

  function item(data, query) {
    var li = document.createElement("li");
    li.className = "gk-result";
    var title = document.createElement("a");
    title.className = "gk-result__title";
    title.href = data.url;
    title.textContent = data.meta.title || data.url;
    li.appendChild(title);
    var where = [data.meta["公开栏"], data.meta["栏目"]].filter(Boolean).join(" · ");
    if (where) {
      var source = document.createElement("p");
      source.className = "gk-result__source";
      source.textContent = where;
      li.appendChild(source);
    }
    var cut = excerpt(data.content || "", query);
    li.appendChild(cut.node);
    if (!cut.whole) {
      var partial = document.createElement("p");
      partial.className = "gk-result__partial";
      partial.textContent = "这条公告没有完整的“" + query + "”，只有其中部分字词。";
      li.appendChild(partial);
    }
    return li;
  }

  function data(result) {
    if (!result.loaded) result.loaded = result.data();
    return result.loaded;
  }

  function holds(content, query) {
    var text = content.split(MARKER)[0].replace(/\s+/g, " ");
    return query.split(" ").every(function (word) { return text.indexOf(word) >= 0; });
  }

  /* Pagefind ranks a page with some of a name's characters above one with the whole
     name; the first SORTED results are read, and those holding the whole query go first. */
  function wholeFirst(results, query) {
    var head = results.slice(0, SORTED);
    return Promise.all(head.map(data)).then(function (datas) {
      var whole = head.filter(function (r, i) { return holds(datas[i].content || "", query); });
      var partial = head.filter(function (r) { return whole.indexOf(r) < 0; });
      return whole.concat(partial, results.slice(SORTED));
    });
  }

  function show(results, from, query, id) {
    return Promise.all(results.slice(from, from + PAGE).map(data)).then(function (datas) {
      if (id !== current) return;
      datas.forEach(function (d) { list.appendChild(item(d, query)); });
      var left = results.length - from - datas.length;
      more.hidden = left <= 0;
      more.textContent = "显示更多结果（还有 " + left + " 条）";
      more.onclick = function () { show(results, from + PAGE, query, id); };
    });
  }

  function search() {
    var query = input.value.replace(/\s+/g, " ").trim();
    var filters = {};
    if (board.value) filters["公开栏"] = board.value;
    if (category.value) filters["栏目"] = category.value;
    var id = ++current;
    list.textContent = "";
    more.hidden = true;
    remember(query);
    if (!query) { say(""); return; }
    say("正在搜索……");
    pagefind().then(function (pf) { return find(pf, query, filters); }).then(function (results) {
      return wholeFirst(results, query);
    }).then(function (results) {
      if (id !== current) return;
      var scope = [board.value, category.value].filter(Boolean).join(" · ");
      var within = scope ? "（只看" + scope + "）" : "";
      if (!results.length) {
        say("没有找到包含“" + query + "”的公告" + within + "。可以少输入几个字，只输入名字或地名，" + (scope ? "或把范围改回“全部”。" : "或换一种说法。") + gaps());
        return;
      }
      return show(results, 0, query, id).then(function () {
        var mixed = list.querySelector(".gk-result__partial") || results.length > SORTED;
        if (id === current) say("找到 " + results.length + " 条公告" + within + "。" + (mixed ? "有完整的“" + query + "”的排在前面。" : "") + gaps());
      });
    }).catch(function () {
      if (id === current) say("搜索暂时用不了：没能读取搜索索引。请稍后再试，或按下面的公开栏和栏目查找。");
    });
  }

  /* The address keeps the search, so that it can be shared and survives going back. */
  function remember(query) {
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    if (board.value) params.set("board", board.value);
    if (category.value) params.set("category", category.value);
    var address = location.pathname + (params.toString() ? "?" + params : "");
    history.replaceState(null, "", address);
  }

  document.getElementById("search-nojs").hidden = true;
  if (!bundles.length) {
    say("本站还没有可以搜索的公告。");
    return;
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    search();
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 400);
  });
  board.addEventListener("change", search);
  category.addEventListener("change", search);
  pagefind().catch(function () {});  // start fetching while the reader types

  var given = new URLSearchParams(location.search);
  if (given.get("board")) board.value = given.get("board");
  if (given.get("category")) category.value = given.get("category");
  if (board.value || category.value) document.getElementById("gk-search-scope").open = true;
  if (given.get("q")) { input.value = given.get("q"); search(); }
})();
