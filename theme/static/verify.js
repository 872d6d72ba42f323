/* /verify/: check the 8-character code (核对码) printed on a paper notice
   against manifest.json, in the browser. Nothing is sent anywhere: the
   manifest is one static file of the site. The code is the first 8 hex
   digits of a notice's sha256; older versions of corrected notices are in
   each entry's "earlier", with the day the next version replaced them. */
(function () {
  "use strict";
  var form = document.getElementById("gk-verify");
  var out = document.getElementById("gk-verify-result");
  if (!form || !out || !window.fetch) return;
  form.hidden = false;
  var without = document.getElementById("gk-verify-nojs");
  if (without) without.hidden = true;
  var input = document.getElementById("gk-verify-code");
  var root = form.getAttribute("data-manifest").replace(/manifest\.json$/, "");
  var manifest = null;

  function day(iso) {
    var p = String(iso || "").split("-");
    return p.length === 3 ? p[0] + "年" + Number(p[1]) + "月" + Number(p[2]) + "日" : iso;
  }
  function grouped(code) { return code.slice(0, 4) + " " + code.slice(4, 8); }
  function normal(text) {
    // Full-width letters and digits, spaces and dashes as people type them.
    return String(text).replace(/[\uff01-\uff5e]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).replace(/[\s\u3000\-–—]/g, "").toLowerCase();
  }
  function say(kind, parts) {
    out.className = "gk-verify__result gk-verify__result--" + kind;
    out.setAttribute("data-result", kind);
    out.textContent = "";
    parts.forEach(function (p) {
      if (typeof p === "string") { out.appendChild(document.createTextNode(p)); return; }
      var a = document.createElement("a");
      a.href = root + p.url;
      a.textContent = p.text;
      out.appendChild(a);
    });
  }
  function find(code) {
    var hits = [];
    (manifest.notices || []).forEach(function (n) {
      if (String(n.sha256 || "").slice(0, 8) === code) hits.push({ kind: "current", n: n });
      (n.earlier || []).forEach(function (e) {
        if (String(e.sha256 || "").slice(0, 8) === code) hits.push({ kind: "superseded", n: n, e: e });
      });
      // Printed before it was withdrawn: only the status lines changed since.
      if (n.status === "withdrawn" && String(n.content_sha256 || "").slice(0, 8) === code &&
          String(n.sha256 || "").slice(0, 8) !== code) hits.push({ kind: "withdrawn", n: n });
    });
    return hits;
  }
  function check(raw) {
    var code = normal(raw);
    if (!/^[0-9a-f]{8}$/.test(code)) {
      say("invalid", ["核对码是 8 位数字和字母（a 到 f），例如 a1b2 c3d4。请对照纸上的核对码重新输入。"]);
      return;
    }
    var hits = find(code);
    if (!hits.length) {
      say("unknown", ["本站没有核对码为 " + grouped(code) + " 的公告。请核对输入是否有误；如果无误，墙上的公告不是本站发布的版本，请向监督电话反映。"]);
      return;
    }
    var h = hits[0], n = h.n, title = n.title || n.url;
    if (h.kind === "current" && n.status === "withdrawn") {
      say("withdrawn", ["这是", { url: n.url, text: title }, "，但它已于 " + day(n.withdrawn) + " 撤回，不再有效。"]);
    } else if (h.kind === "current") {
      say("current", ["一致：这是", { url: n.url, text: title }, "网上现在的版本（" + day(n.date) + " 公开" +
        (n.corrections ? "，已含全部 " + n.corrections + " 次更正" : "") + "）。"]);
    } else if (h.kind === "withdrawn") {
      say("withdrawn", ["这是", { url: n.url, text: title }, "撤回前的版本，该公告已于 " + day(n.withdrawn) + " 撤回，不再有效。"]);
    } else {
      say("superseded", ["不是最新版本：这是", { url: n.url, text: title }, "的第 " + h.e.version + " 版，已于 " +
        day(h.e.replaced) + " 更正" + (h.e.note ? "（" + h.e.note + "）" : "") + "，请以网上现在的版本（核对码 " +
        grouped(String(n.sha256)) + "）为准。"]);
    }
  }
  function load() {
    if (manifest) return Promise.resolve(manifest);
    return fetch(root + "manifest.json").then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (data) { manifest = data; return data; });
  }
  function run(raw) {
    load().then(function () { check(raw); }, function () {
      say("error", ["没能读取公告清单（manifest.json），请稍后再试，或按下面的方法手工核对。"]);
    });
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run(input.value);
  });
  var given = new URLSearchParams(window.location.search).get("code");
  if (given) { input.value = given; run(given); }
})();
