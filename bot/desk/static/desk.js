// The staff desk's small helpers; every page works without them.
"use strict";
(function () {
  // live character count (code points, as the server counts)
  var text = document.getElementById("text");
  if (text) {
    var max = parseInt(text.getAttribute("data-max"), 10);
    var count = document.getElementById("count");
    var box = document.getElementById("counter");
    var update = function () {
      var n = Array.from(text.value.replace(/\r\n/g, "\n")).length;
      count.textContent = String(n);
      box.classList.toggle("over", n > max);
    };
    text.addEventListener("input", update);
    update();
  }

  // recipient count per channel for the chosen audience
  var compose = document.getElementById("compose");
  var audience = document.getElementById("audience-count");
  if (compose && audience) {
    var refresh = function () {
      var q = new URLSearchParams();
      compose.querySelectorAll("input[name=region]:checked, input[name=topic]:checked").forEach(function (el) {
        q.append(el.name, el.value);
      });
      fetch("/announcements/count?" + q.toString(), {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          var parts = data.channels.map(function (c) {
            return c.label + " " + c.n + " 人" + (c.push ? "" : "（不能推送）");
          });
          audience.textContent = "会收到：" + data.total + " 人" + (parts.length ? "（" + parts.join("，") + "）" : "");
        })
        .catch(function () {});
    };
    compose.addEventListener("change", function (e) {
      if (e.target.name === "region" || e.target.name === "topic") { refresh(); }
    });
    refresh();
  }

  // progress of announcements that are sending (or due), updated every 2 s
  var list = document.getElementById("announcements");
  if (list) {
    var live = function () {
      return Array.prototype.filter.call(list.querySelectorAll("li[data-id]"), function (li) {
        var s = li.getAttribute("data-status");
        return s === "sending" || s === "scheduled";
      });
    };
    var cell = function (v) { var td = document.createElement("td"); td.textContent = String(v); return td; };
    var poll = function () {
      var items = live();
      if (!items.length) { return; }
      var ids = items.map(function (li) { return li.getAttribute("data-id"); }).join(",");
      fetch("/announcements/progress?ids=" + ids, {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          items.forEach(function (li) {
            var a = data[li.getAttribute("data-id")];
            if (!a) { return; }
            li.setAttribute("data-status", a.status);
            var st = li.querySelector("[data-role=status]");
            st.textContent = a.status_label || a.status;
            st.className = "status status-" + a.status;
            if (a.status !== "scheduled") {
              li.querySelectorAll("form.cancel").forEach(function (f) { f.remove(); });
            }
            if (a.channels.length) {
              var body = li.querySelector("[data-role=progress] tbody");
              body.textContent = "";
              a.channels.forEach(function (c) {
                var tr = document.createElement("tr");
                [c.label, c.sent, c.failed, c.blocked, c.unread, c.waiting, c.total].forEach(function (v) {
                  tr.appendChild(cell(v));
                });
                body.appendChild(tr);
              });
            }
          });
        })
        .catch(function () {})
        .then(function () { setTimeout(poll, 2000); });
    };
    setTimeout(poll, 1000);
  }
})();
