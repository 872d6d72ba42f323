/* Optional. The pages state the day their statuses were computed for; this
   re-checks each [data-deadline] against the reader's clock, so a site that
   nobody rebuilt still shows what has become overdue, and brings every
   count and line that sums those sections up to date (data-open), so the
   page tells one story. It also remembers the 大字 switch, closes the board
   picker with Escape, and adds a print button. No requests, no framework. */
(function () {
  var d = document, tpl = d.getElementById("gk-badge-overdue");
  var all = function (sel, root) { return [].slice.call((root || d).querySelectorAll(sel)); };
  // Today in China (UTC+8, no daylight saving), as YYYY-MM-DD.
  var today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  // Deadlines are ISO dates, so string order is date order.
  var fmt = function (iso) { return iso.replace(/(\d+)-0?(\d+)-0?(\d+)/, "$1年$2月$3日"); };
  var days = function (deadline) { return Math.round((Date.parse(today) - Date.parse(deadline)) / 864e5); };
  all("[data-deadline]").forEach(function (el) {
    var deadline = el.getAttribute("data-deadline");
    if (el.getAttribute("data-status") === "overdue" || !(today > deadline)) return;
    el.setAttribute("data-status", "overdue");
    el.className = el.className.replace(/--(current|due)\b/g, "--overdue");
    all("[data-field=days-overdue]", el).forEach(function (cell) { cell.innerHTML = "<strong>" + days(deadline) + "</strong>"; });
    all("[data-late-missing]", el).forEach(function (cell) { cell.textContent = cell.getAttribute("data-late-missing"); });
    all(".gk-deadline[data-late]", el).forEach(function (line) {
      line.className = "gk-deadline gk-deadline--overdue";
      line.innerHTML = "已逾期 <strong>" + days(deadline) + "</strong> 天";
      line.appendChild(d.createTextNode(line.getAttribute("data-late")));
    });
    var old = el.querySelector(".gk-badge");
    if (!old || !tpl || !tpl.content) return;
    // A summary that restates its date (data-as-of, below) needs no note.
    var badge = tpl.content.firstElementChild.cloneNode(true);
    old.parentNode.replaceChild(badge, old);
    if (el.querySelector("[data-as-of]")) return;
    var note = d.createElement("span");
    note.className = "gk-late-note";
    note.textContent = el.getAttribute("data-late-note") || "（按您设备的日期，此栏目已逾期）";
    badge.parentNode.appendChild(note);
  });
  // Counts: each section now past its deadline moves from its count to 逾期.
  all("[data-open]").forEach(function (box) {
    var count = function (s) { return box.querySelector('[data-count="' + s + '"]'); };
    box.getAttribute("data-open").split(";").forEach(function (entry) {
      var p = entry.split("|"), from = count(p[0]), to = count("overdue"), names = box.querySelector("[data-late-names]");
      if (!(today > p[1])) return;
      all("[data-as-of]", box).forEach(function (el) { el.textContent = fmt(today) + "（按您设备的日期）"; });
      if (from) from.textContent = +from.textContent - 1;
      if (to) to.textContent = +to.textContent + 1;
      if (names) names.textContent += (names.textContent ? "、" : "") + p[2];
    });
    all("[data-if]", box).forEach(function (el) { el.hidden = !(+count(el.getAttribute("data-if")).textContent); });
    all("[data-if-none]", box).forEach(function (el) { el.hidden = el.hidden || +count("overdue").textContent > 0; });
  });
  // A printed board bears the day it is printed.
  all("[data-print-date]").forEach(function (el) {
    el.setAttribute("datetime", today);
    el.textContent = fmt(today);
  });
  // 大字: the header's switch, remembered for the next page (base.html
  // applies it before painting). Without storage it still works per page.
  var large = d.getElementById("gk-large"), root = d.documentElement;
  if (large) {
    large.checked = /\bgk-large\b/.test(root.className);
    large.addEventListener("change", function () {
      root.classList.toggle("gk-large", large.checked);
      try { localStorage.setItem("gk-large", large.checked ? "1" : "0"); } catch (e) { /* storage off: this page only */ }
    });
  }
  var picker = d.querySelector(".gk-picker");
  d.addEventListener("keydown", function (e) {
    if (picker && picker.open && e.key === "Escape") { picker.open = false; picker.firstElementChild.focus(); }
  });
  all("[data-print]").forEach(function (hint) {
    if (!window.print) return;
    var button = d.createElement("button");
    button.type = "button";
    button.className = "gk-print-button";
    button.textContent = "打印本页";
    button.addEventListener("click", function () { window.print(); });
    hint.insertBefore(button, hint.firstChild);
  });
})();
