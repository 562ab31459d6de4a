// smtp-sim serve --web: follows the page's live stream (Server-Sent Events).
// Everything the server sends is put into the page with textContent, never as HTML:
// a student's bytes can never become markup or script here.
"use strict";
(function () {

  function safeHref(href) {
    // only this server's own paths ("/teacher/m/S1-1"), never another scheme or host
    return typeof href === "string" && href.charAt(0) === "/" && href.charAt(1) !== "/" &&
      href.indexOf("\\") < 0 ? href : "";
  }

  function span(pair) {
    var node = document.createElement("span");
    if (pair[0]) { node.className = String(pair[0]); }
    node.textContent = String(pair[1]);
    return node;
  }

  var MARKS = {done: "step-done", now: "step-now"};

  function item(entry) {
    var li = document.createElement("li");
    if (Object.prototype.hasOwnProperty.call(MARKS, entry.mark)) {
      li.className = MARKS[entry.mark];
    }
    var href = safeHref(entry.href);
    var node = li;
    if (href) { node = document.createElement("a"); node.href = href; li.appendChild(node); }
    node.textContent = String(entry.text);
    return li;
  }

  function replaceList(data) {
    var list = document.getElementById(data.id);
    if (!list) { return; }
    var items = data.items || [];
    list.replaceChildren();
    if (!items.length) {
      list.appendChild(item({text: list.getAttribute("data-empty") || ""}));
    }
    items.forEach(function (entry) { list.appendChild(item(entry)); });
  }

  function replaceRows(data) {
    var table = document.getElementById(data.id);
    if (!table) { return; }
    var body = table.tBodies[0];
    body.replaceChildren();
    (data.rows || []).forEach(function (row) {
      var tr = document.createElement("tr");
      if (row.closed) { tr.className = "closed"; }
      (row.cells || []).forEach(function (cell, index) {
        var td = document.createElement("td");
        var href = index === 0 ? safeHref(row.href) : "";
        var node = td;
        if (href) { node = document.createElement("a"); node.href = href; td.appendChild(node); }
        node.textContent = String(cell);
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    var empty = document.getElementById("no-sessions");
    if (empty) { empty.hidden = (data.rows || []).length > 0; }
  }

  // Follow a live stream; onReset: what to do when the page no longer matches the server
  // (by default reload it).
  function follow(source, onReset) {
    var stream = new EventSource(source);
    stream.addEventListener("exchange", function (event) {
      var data = JSON.parse(event.data);
      var block = document.createElement("div");
      block.className = data.error ? "exchange error" : "exchange";
      (data.fragments || []).forEach(function (pair) { block.appendChild(span(pair)); });
      document.getElementById("transcript").appendChild(block);
      block.scrollIntoView({block: "end"});
    });
    stream.addEventListener("status", function (event) {
      var status = document.getElementById("status");
      if (status) { status.textContent = String(JSON.parse(event.data).text); }
    });
    stream.addEventListener("list", function (event) { replaceList(JSON.parse(event.data)); });
    stream.addEventListener("rows", function (event) { replaceRows(JSON.parse(event.data)); });
    stream.addEventListener("more", function () {
      var more = document.getElementById("more");
      if (more) { more.hidden = false; }
    });
    stream.addEventListener("reset", function () {
      stream.close();
      if (onReset) { onReset(); } else { window.location.reload(); }
    });
    held.push(stream);
    return stream;
  }

  // The browser console: each line typed goes to the server over a WebSocket; the session's
  // own page stream shows it explained.
  function console_(form) {
    var input = document.getElementById("line");
    var status = document.getElementById("status");
    var lang = form.getAttribute("data-lang") || "en";
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + "/console/ws");
    held.push(socket);
    var page = "";
    function start() {
      document.getElementById("transcript").replaceChildren();
      follow(page + "/events?lang=" + encodeURIComponent(lang) + "&shown=0&end=99999", start);
    }
    socket.addEventListener("message", function (event) {
      var data = JSON.parse(event.data);
      if (!page && safeHref(data.page)) { page = safeHref(data.page); start(); }
    });
    socket.addEventListener("close", function () {
      status.textContent = status.getAttribute("data-closed") || "";
      input.disabled = true;
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (socket.readyState === WebSocket.OPEN) { socket.send(input.value); input.value = ""; }
    });
  }

  // A page left (a link, the back button) lets go of its streams at once: a browser keeps
  // at most six connections to one server, and a page kept for the back button would hold
  // its stream open, so the seventh page visited would never load. Back again, it reloads.
  var held = [];
  window.addEventListener("pagehide", function () {
    held.forEach(function (stream) { stream.close(); });
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });

  var form = document.getElementById("console");
  var source = document.body.getAttribute("data-events");
  if (form && window.WebSocket && window.EventSource) { console_(form); }
  else if (source && window.EventSource) { follow(source, null); }
})();
