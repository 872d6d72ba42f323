/* Optional. The pages state the day their statuses were computed for; this
   re-checks each [data-deadline] against the reader's clock, so a site that
   nobody rebuilt still shows what has become overdue. It also adds a print
   button where the page says how to print. No requests, no framework. */
(function () {
  var tpl = document.getElementById("gk-badge-overdue");
  // Today in China (UTC+8, no daylight saving), as YYYY-MM-DD.
  var today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  var els = document.querySelectorAll("[data-deadline]");
  for (var i = 0; tpl && tpl.content && i < els.length; i++) {
    var el = els[i];
    // Deadlines are ISO dates, so string order is date order.
    if (el.getAttribute("data-status") === "overdue" || !(today > el.getAttribute("data-deadline"))) continue;
    el.setAttribute("data-status", "overdue");
    el.className = el.className.replace(/--(current|due)\b/g, "--overdue");
    var old = el.querySelector(".gk-badge");
    if (!old) continue;
    var badge = tpl.content.firstElementChild.cloneNode(true);
    old.parentNode.replaceChild(badge, old);
    var note = document.createElement("span");
    note.className = "gk-late-note";
    note.textContent = el.getAttribute("data-late-note") || "（按您设备的日期，此栏目已逾期）";
    badge.parentNode.appendChild(note);
  }
  // A printed board bears the day it is printed.
  [].forEach.call(document.querySelectorAll("[data-print-date]"), function (el) {
    el.setAttribute("datetime", today);
    el.textContent = today.replace(/(\d+)-0?(\d+)-0?(\d+)/, "$1年$2月$3日");
  });
  var hints = document.querySelectorAll("[data-print]");
  for (var j = 0; window.print && j < hints.length; j++) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "gk-print-button";
    button.textContent = "打印本页";
    button.addEventListener("click", function () { window.print(); });
    hints[j].insertBefore(button, hints[j].firstChild);
  }
})();
