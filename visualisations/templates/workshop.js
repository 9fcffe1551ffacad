/* psp workshop: the edit panel of a live session. Sends each edit as JSON with the
   session token in a header, polls for changes and swaps the new map in. Server
   messages and data are shown with textContent only, never parsed as HTML. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("psp-workshop").textContent);
  var version = config.version;
  var status = document.getElementById("ws-status");
  var undoButton = document.getElementById("ws-undo");
  var mine = [];
  window.pspWorkshop = { updates: 0, lastError: null };

  function fill(select, pairs) {
    pairs.forEach(function (pair) {
      var option = document.createElement("option");
      option.value = pair[0];
      option.textContent = pair[1];
      select.appendChild(option);
    });
  }
  fill(document.getElementById("ws-actor-type"), config.actor_types);
  fill(document.getElementById("ws-link-type"), config.link_types);

  function names(payload) {
    var list = document.getElementById("ws-names");
    while (list.firstChild) list.removeChild(list.firstChild);
    (payload.nodes || []).map(function (n) { return n.l; }).sort().forEach(function (name) {
      var option = document.createElement("option");
      option.value = name;
      list.appendChild(option);
    });
  }
  names(JSON.parse(document.getElementById("psp-data").textContent));

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? "status error" : "status";
    window.pspWorkshop.lastError = isError ? text : null;
  }

  function send(path, body) {
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-PSP-Token": config.token },
      body: JSON.stringify(body),
      credentials: "omit"
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) throw new Error(answer.error || ("HTTP " + response.status));
        return answer;
      });
    });
  }

  function edit(path, body, form) {
    return send(path, body).then(function (answer) {
      say(answer.message, false);
      if (answer.changeset) { mine.push(answer.changeset); undoButton.disabled = false; }
      if (form) form.reset();
      poll();  // this page hears its own edit at once
    }).catch(function (err) { say("Error: " + err.message, true); });
  }

  function fields(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.value.trim()) out[field.name] = field.value.trim();
    });
    return out;
  }

  ["ws-actor", "ws-link"].forEach(function (id) {
    var form = document.getElementById(id);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      edit(id === "ws-actor" ? "/api/actor" : "/api/link", fields(form), form);
    });
  });
  undoButton.addEventListener("click", function () {
    var last = mine.pop();
    if (!mine.length) undoButton.disabled = true;
    if (last) edit("/api/undo", { changeset: last }, null);
  });

  // Dragged nodes: their new places go to the session's layout.
  var network = window.pspMap.network;
  network.on("dragEnd", function (p) {
    if (!p.nodes || !p.nodes.length) return;
    var moved = {};
    var at = network.getPositions(p.nodes);
    p.nodes.forEach(function (i) { moved[window.pspMap.nodeId(i)] = [Math.round(at[i].x), Math.round(at[i].y)]; });
    send("/api/move", { positions: moved }).then(function (answer) {
      say(answer.message, false);
      window.pspWorkshop.moved = (window.pspWorkshop.moved || 0) + 1;
    }).catch(function (err) { say("Error: " + err.message, true); });
  });

  // Edits are heard at once (/api/events, from memory) and drawn as they come; the
  // redrawn map (/api/state: sizes, names placed, edits made with psp meanwhile) follows.
  var seq = config.seq;
  var ticks = 0;
  var busy = false;
  var redrawing = false;
  function apply(event) {
    var map = window.pspMap;
    if (event.kind === "node") {
      var view = map.network.getViewPosition();
      map.addNode(event.id, event.l, event.cls, Math.round(view.x), Math.round(view.y));
    } else if (event.kind === "link") {
      map.addLink(event.from, event.to, event.rel);
    } else if (event.kind === "move") {
      map.moveNode(event.id, event.x, event.y);
    }
  }
  function redraw() {
    if (redrawing) return;
    redrawing = true;
    fetch("/api/state?token=" + encodeURIComponent(config.token) + "&since=" + encodeURIComponent(version), {
      credentials: "omit", cache: "no-store"
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (answer) {
      if (answer && answer.version !== version) {
        version = answer.version;
        if (answer.payload && answer.payload.nodes) {
          window.pspMap.replace(answer.payload);
          names(answer.payload);
        }
        window.pspWorkshop.redraws = (window.pspWorkshop.redraws || 0) + 1;
      }
    }).catch(function () { /* the server may be restarting: try again later */ })
      .then(function () { redrawing = false; });
  }
  function poll() {
    ticks += 1;
    if (ticks % 10 === 0) redraw();  // edits made with psp in a terminal show too
    if (busy) return;
    busy = true;
    fetch("/api/events?token=" + encodeURIComponent(config.token) + "&after=" + seq, {
      credentials: "omit", cache: "no-store"
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (answer) {
      if (answer && answer.seq > seq) {
        answer.events.forEach(apply);
        seq = answer.seq;
        window.pspWorkshop.updates += answer.events.length;
        redraw();
      }
    }).catch(function () { /* the server may be restarting: try again on the next tick */ })
      .then(function () { busy = false; });
  }
  setInterval(poll, config.poll_ms);
})();
