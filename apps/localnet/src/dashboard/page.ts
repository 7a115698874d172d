import { createHash } from "node:crypto";

// The whole dashboard is one self-contained page: no CDN, no build step. Its script is a plain string (the
// workspace compiles without DOM types) and every miner-supplied string reaches the DOM through `textContent`
// only — miners are hostile. The CSP below pins the script by hash, so even a slip would not run injected
// handlers such as `<img onerror>`.

const STYLE = `
:root {
  --bg: #0d1117; --panel: #161b22; --panel2: #1c2230; --line: #2a3140; --text: #e6edf3; --muted: #8b949e;
  --accent: #58a6ff; --good: #3fb950; --bad: #f85149; --warn: #d29922; --gen: #a371f7; --ref: #39c5cf;
}
* { box-sizing: border-box; }
html, body { margin: 0; background: var(--bg); color: var(--text);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
.mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 12px 28px; padding: 14px 22px;
  border-bottom: 1px solid var(--line); background: var(--panel); position: sticky; top: 0; z-index: 2; }
header h1 { font-size: 18px; margin: 0; font-weight: 650; letter-spacing: .2px; }
header h1 small { color: var(--muted); font-weight: 400; margin-left: 8px; font-size: 14px; }
.stat { display: flex; flex-direction: column; min-width: 90px; }
.stat .k { color: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: .6px; }
.stat .v { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.epoch { min-width: 220px; }
.bar { height: 6px; background: var(--line); border-radius: 3px; overflow: hidden; margin-top: 5px; }
.bar > div { height: 100%; background: var(--accent); width: 0; transition: width .3s; }
.live { margin-left: auto; display: flex; align-items: center; gap: 7px; color: var(--muted); }
.dot { width: 9px; height: 9px; border-radius: 50%; background: var(--warn); }
.live.on .dot { background: var(--good); box-shadow: 0 0 8px var(--good); }
main { display: grid; grid-template-columns: minmax(0, 1.75fr) minmax(0, 1fr); gap: 18px; padding: 18px 22px; }
@media (max-width: 1100px) { main { grid-template-columns: minmax(0, 1fr); } }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px;
  margin-bottom: 18px; }
section h2 { font-size: 13px; margin: 0 0 10px; color: var(--muted); text-transform: uppercase;
  letter-spacing: .7px; font-weight: 600; display: flex; justify-content: space-between; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
/* The metagraph spans the page; past its width or 70% of the window height it scrolls inside its own box. */
.wide { grid-column: 1 / -1; margin-bottom: 0; }
.tablewrap { overflow: auto; max-height: 70vh; }
.tablewrap thead th { position: sticky; top: 0; background: var(--panel); z-index: 1; }
th { text-align: right; color: var(--muted); font-weight: 500; font-size: 12px; padding: 4px 7px;
  border-bottom: 1px solid var(--line); white-space: nowrap; }
td { text-align: right; padding: 5px 7px; border-bottom: 1px solid #1f2633; white-space: nowrap; }
th.l, td.l { text-align: left; }
tr:hover td { background: var(--panel2); }
.swatch { display: inline-block; width: 9px; height: 9px; border-radius: 2px; margin-right: 6px; }
.badge { display: inline-block; padding: 1px 7px; border-radius: 9px; font-size: 11px; font-weight: 600;
  border: 1px solid currentColor; }
.r-owner { color: var(--warn); } .r-validator { color: var(--accent); } .r-miner { color: var(--muted); }
.r-external { color: var(--gen); }
.cellbar { display: inline-flex; align-items: center; gap: 6px; }
.cellbar i { display: inline-block; height: 6px; background: var(--accent); border-radius: 3px; }
.cellbar.inc i { background: var(--good); }
.muted { color: var(--muted); }
td.bad { color: var(--bad); font-weight: 600; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
@media (max-width: 1400px) { .charts { grid-template-columns: 1fr; } }
.chart h3 { margin: 0 0 4px; font-size: 13px; font-weight: 600; }
.chart svg { width: 100%; height: auto; display: block; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin-top: 8px; font-size: 12px; color: var(--muted); }
.empty { color: var(--muted); padding: 18px 0; text-align: center; }
#rounds { display: flex; flex-direction: column; gap: 10px; max-height: calc(100vh - 150px); overflow-y: auto; }
.round { background: var(--panel2); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.round.fresh { animation: flash 1.2s ease-out; }
@keyframes flash { from { border-color: var(--accent); box-shadow: 0 0 0 2px #58a6ff55; } }
.round .top .when { margin-left: auto; }
.round .top { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; font-size: 12px; color: var(--muted); }
.k-generator { color: var(--gen); } .k-reference { color: var(--ref); }
.round .q { margin: 7px 0 5px; font-weight: 550; white-space: pre-wrap; overflow-wrap: anywhere; }
details summary { cursor: pointer; color: var(--accent); font-size: 12px; }
.shown { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--bg); border: 1px solid var(--line);
  border-radius: 6px; padding: 8px 10px; margin-top: 6px; max-height: 220px; overflow-y: auto; font-size: 13px; }
.answers { display: flex; flex-wrap: wrap; gap: 5px; margin-top: 8px; }
.ans { font-size: 12px; padding: 2px 7px; border-radius: 5px; border: 1px solid; font-variant-numeric: tabular-nums; }
.ans.ok { color: var(--good); border-color: #3fb95066; background: #3fb95014; }
.ans.no { color: var(--bad); border-color: #f8514966; background: #f8514914; }
.foot { color: var(--muted); font-size: 12px; padding: 0 22px 18px; }
`;

const SCRIPT = String.raw`
(function () {
  "use strict";
  var MAX_ROUNDS = 50;
  var SVGNS = "http://www.w3.org/2000/svg";
  var state = null;
  var seenRounds = {};

  function $(id) { return document.getElementById(id); }
  // The only way text reaches the page: textContent. Data is never parsed as HTML.
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function num(x) { return typeof x === "number" && isFinite(x) ? x : 0; }
  function fmt(x, d) { return num(x).toFixed(d === undefined ? 4 : d); }
  function fmtStake(x) {
    x = num(x);
    if (x >= 1e6) return (x / 1e6).toFixed(2) + "M";
    if (x >= 1e3) return (x / 1e3).toFixed(2) + "k";
    return x.toFixed(2);
  }
  function shortKey(k) { k = String(k || ""); return k.length > 14 ? k.slice(0, 6) + "\u2026" + k.slice(-4) : k; }
  // Twelve well-separated colours for the common case; beyond that the golden angle keeps neighbours apart.
  var PALETTE = ["#58a6ff", "#3fb950", "#d29922", "#f778ba", "#a371f7", "#39c5cf", "#ff7b72", "#f0f6fc",
    "#7ee787", "#79c0ff", "#d2a8ff", "#ffa657"];
  function color(uid) {
    uid = num(uid);
    return uid < PALETTE.length ? PALETTE[uid] : "hsl(" + ((uid * 137.508) % 360).toFixed(1) + ", 70%, 62%)";
  }
  function clock(ms) { var d = new Date(num(ms)); return isNaN(d.getTime()) ? "" : d.toISOString().slice(11, 19); }
  function neuronByUid(uid) {
    if (!state) return null;
    for (var i = 0; i < state.neurons.length; i++) if (state.neurons[i].uid === uid) return state.neurons[i];
    return null;
  }
  function label(uid) {
    var n = neuronByUid(uid);
    return "uid " + uid + (n && n.strategy ? " \u00b7 " + n.strategy : n && n.role !== "miner" ? " \u00b7 " + n.role : "");
  }

  function renderHead() {
    $("network").textContent = state.network + " \u00b7 netuid " + state.netuid;
    $("block").textContent = "#" + num(state.block);
    var tempo = Math.max(1, num(state.tempo));
    var left = Math.max(0, num(state.blocksUntilEpoch));
    $("epoch").textContent = left + (left === 1 ? " block" : " blocks");
    $("epochbar").style.width = Math.min(100, (100 * (tempo - Math.min(left, tempo))) / tempo) + "%";
    $("tempo").textContent = String(tempo);
    $("neuroncount").textContent = String(state.neurons.length);
  }

  function barCell(value, max, cls) {
    var td = el("td");
    var wrap = el("span", "cellbar" + (cls ? " " + cls : ""));
    var bar = el("i");
    bar.style.width = Math.round(48 * (max > 0 ? num(value) / max : 0)) + "px";
    wrap.appendChild(bar);
    wrap.appendChild(el("span", "", fmt(value, 3)));
    td.appendChild(wrap);
    return td;
  }

  // Answers asked of this neuron that did not arrive, by reason ("http_429\u00d73 timeout\u00d71").
  function missingCell(n) {
    var m = n.missing && typeof n.missing === "object" ? n.missing : {};
    var parts = Object.keys(m).sort().filter(function (k) { return num(m[k]) > 0; })
      .map(function (k) { return k + "\u00d7" + num(m[k]); });
    var td = el("td", "l mono " + (parts.length ? "bad" : "muted"), parts.length ? parts.join(" ") : (n.role === "miner" || n.role === "external" ? "0" : "\u2014"));
    td.title = "answers that did not arrive, by reason";
    return td;
  }

  function renderTable() {
    var body = $("metagraph-body");
    clear(body);
    var rows = state.neurons.slice().sort(function (a, b) { return a.uid - b.uid; });
    var maxInc = 0, maxW = 0;
    rows.forEach(function (n) { maxInc = Math.max(maxInc, num(n.incentive)); maxW = Math.max(maxW, num(n.weight)); });
    rows.forEach(function (n) {
      var tr = el("tr");
      var uid = el("td", "l mono");
      var sw = el("span", "swatch");
      sw.style.background = color(n.uid);
      uid.appendChild(sw);
      uid.appendChild(document.createTextNode(String(n.uid)));
      tr.appendChild(uid);
      var role = el("td", "l");
      role.appendChild(el("span", "badge r-" + (["owner", "validator", "miner", "external"].indexOf(n.role) >= 0 ? n.role : "miner"), n.role));
      tr.appendChild(role);
      tr.appendChild(el("td", "l", n.strategy || "\u2014"));
      var hk = el("td", "l mono", shortKey(n.hotkey));
      hk.title = String(n.hotkey);
      tr.appendChild(hk);
      tr.appendChild(el("td", "", fmtStake(n.stake)));
      tr.appendChild(el("td", "", fmt(n.windowReward, 3)));
      tr.appendChild(barCell(n.weight, maxW, ""));
      tr.appendChild(barCell(n.incentive, maxInc, "inc"));
      tr.appendChild(el("td", "", fmt(n.dividends, 3)));
      tr.appendChild(el("td", "", fmtStake(n.emission)));
      tr.appendChild(missingCell(n));
      tr.appendChild(el("td", "l mono muted", n.axon || "\u2014"));
      body.appendChild(tr);
    });
    if (!rows.length) {
      var tr = el("tr");
      var td = el("td", "empty", "No neurons yet");
      td.colSpan = 12;
      tr.appendChild(td);
      body.appendChild(tr);
    }
  }

  function chart(container, key) {
    clear(container);
    var hist = state.history || [];
    var W = 380, H = 190, L = 36, R = 8, T = 8, B = 22;
    if (hist.length === 0) { container.appendChild(el("div", "empty", "Waiting for the first epoch\u2026")); return; }
    var uids = {}, maxY = 0;
    hist.forEach(function (p) {
      var m = p[key] || {};
      for (var u in m) { uids[u] = true; maxY = Math.max(maxY, num(m[u])); }
    });
    // A "nice" axis: the smallest step that covers the data in at most five gridlines.
    var steps = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25], step = 0.25;
    for (var si = 0; si < steps.length; si++) if (steps[si] * 5 >= maxY) { step = steps[si]; break; }
    var ticks = Math.max(1, Math.ceil(Math.min(maxY, 1) / step - 1e-9));
    maxY = step * ticks;
    var b0 = num(hist[0].block), b1 = num(hist[hist.length - 1].block);
    if (b1 === b0) b1 = b0 + 1;
    function x(b) { return L + ((num(b) - b0) / (b1 - b0)) * (W - L - R); }
    function y(v) { return T + (1 - num(v) / maxY) * (H - T - B); }
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img" });
    for (var i = 0; i <= ticks; i++) {
      var v = step * i, yy = y(v);
      s.appendChild(svg("line", { x1: L, x2: W - R, y1: yy, y2: yy, stroke: "#2a3140", "stroke-width": 1 }));
      var t = svg("text", { x: L - 5, y: yy + 3.5, "text-anchor": "end", fill: "#8b949e", "font-size": 10 });
      t.textContent = String(Number(v.toFixed(3)));
      s.appendChild(t);
    }
    [b0, Math.round((b0 + b1) / 2), b1].forEach(function (b, i) {
      var t = svg("text", { x: x(b), y: H - 6, "text-anchor": i === 0 ? "start" : i === 2 ? "end" : "middle", fill: "#8b949e", "font-size": 10 });
      t.textContent = "#" + b;
      s.appendChild(t);
    });
    Object.keys(uids).sort(function (a, b) { return a - b; }).forEach(function (u) {
      var pts = [];
      hist.forEach(function (p) { var m = p[key] || {}; pts.push(x(p.block).toFixed(1) + "," + y(m[u] || 0).toFixed(1)); });
      var line = svg(pts.length > 1 ? "polyline" : "circle", pts.length > 1
        ? { points: pts.join(" "), fill: "none", stroke: color(Number(u)), "stroke-width": 1.8, "stroke-linejoin": "round" }
        : { cx: pts[0].split(",")[0], cy: pts[0].split(",")[1], r: 3, fill: color(Number(u)) });
      var title = svg("title", {});
      title.textContent = label(Number(u));
      line.appendChild(title);
      s.appendChild(line);
    });
    container.appendChild(s);
  }

  function renderLegend() {
    var lg = $("legend");
    clear(lg);
    // Everyone drawn in a chart, plus every non-owner neuron.
    var uids = {};
    (state.history || []).forEach(function (p) {
      for (var u in p.incentive || {}) uids[u] = true;
      for (var w in p.weights || {}) uids[w] = true;
    });
    state.neurons.forEach(function (n) { if (n.role !== "owner") uids[n.uid] = true; });
    Object.keys(uids).map(Number).sort(function (a, b) { return a - b; }).forEach(function (uid) {
      var item = el("span");
      var sw = el("span", "swatch");
      sw.style.background = color(uid);
      item.appendChild(sw);
      item.appendChild(document.createTextNode(label(uid)));
      lg.appendChild(item);
    });
  }

  function roundCard(r, fresh) {
    var card = el("article", "round" + (fresh ? " fresh" : ""));
    card.setAttribute("data-round-id", String(r.id));
    var top = el("div", "top");
    top.appendChild(el("span", "badge k-" + (r.kind === "generator" ? "generator" : "reference"), r.kind));
    top.appendChild(el("span", "", "truth: " + r.groundTruth + (r.groundTruth === 1 ? " (miner text)" : " (reference)")));
    if (r.kind === "generator") {
      var g = el("span", "mono", "generator " + shortKey(r.generatorHotkey) + " \u2192 " + fmt(r.generatorScore, 3));
      g.title = String(r.generatorHotkey);
      top.appendChild(g);
    }
    var answers = r.discriminators || [];
    var right = answers.filter(function (a) { return a.correct; }).length;
    top.appendChild(el("span", "", right + "/" + answers.length + " correct"));
    top.appendChild(el("span", "mono when", clock(r.createdAt)));
    card.appendChild(top);
    card.appendChild(el("div", "q", r.query));
    var det = el("details");
    det.appendChild(el("summary", "", "Shown text (" + String(r.shownText || "").length + " chars)"));
    det.appendChild(el("div", "shown", r.shownText));
    card.appendChild(det);
    var box = el("div", "answers");
    answers.forEach(function (a) {
      var chip = el("span", "ans " + (a.correct ? "ok" : "no"),
        "uid " + a.uid + ": " + (a.answer === null || a.answer === undefined ? "\u2014" : a.answer) + " \u2192 " + fmt(a.score, 3));
      chip.title = String(a.hotkey) + " \u00b7 " + Math.round(num(a.latencyMs)) + " ms";
      box.appendChild(chip);
    });
    card.appendChild(box);
    return card;
  }

  function renderRounds() {
    var feed = $("rounds");
    clear(feed);
    var rounds = state.rounds || [];
    if (!rounds.length) feed.appendChild(el("div", "empty", "No rounds yet"));
    rounds.forEach(function (r) {
      var fresh = !seenRounds[r.id] && Object.keys(seenRounds).length > 0;
      seenRounds[r.id] = true;
      feed.appendChild(roundCard(r, fresh));
    });
    $("roundcount").textContent = String(rounds.length);
  }

  function renderAll() {
    renderHead();
    renderTable();
    chart($("chart-incentive"), "incentive");
    chart($("chart-weights"), "weights");
    renderLegend();
    renderRounds();
    document.body.setAttribute("data-ready", "1");
  }

  function onEvent(ev) {
    if (ev.type === "snapshot") { state = ev.snapshot; renderAll(); return; }
    if (!state) return;
    if (ev.type === "round") {
      var r = ev.round;
      state.rounds = [r].concat((state.rounds || []).filter(function (x) { return x.id !== r.id; })).slice(0, MAX_ROUNDS);
      renderRounds();
    } else if (ev.type === "block") {
      state.block = ev.block;
      state.blocksUntilEpoch = ev.blocksUntilEpoch;
      renderHead();
    }
  }

  function setLive(on, text) {
    $("live").className = "live" + (on ? " on" : "");
    $("livetext").textContent = text;
  }

  fetch("api/snapshot").then(function (r) { return r.ok ? r.json() : null; }).then(function (s) {
    if (s && !state) onEvent({ type: "snapshot", snapshot: s });
  }).catch(function () {});

  var es = new EventSource("api/events");
  ["snapshot", "round", "block"].forEach(function (t) {
    es.addEventListener(t, function (e) { try { onEvent(JSON.parse(e.data)); } catch (err) { console.error(err); } });
  });
  es.onopen = function () { setLive(true, "live"); };
  es.onerror = function () { setLive(false, "reconnecting\u2026"); };
})();
`;

const BODY = `
<header>
  <h1>Apex subnet <small id="network">connecting…</small></h1>
  <div class="stat"><span class="k">Chain head</span><span class="v mono" id="block">—</span></div>
  <div class="stat epoch"><span class="k">Next epoch in</span><span class="v" id="epoch">—</span>
    <div class="bar"><div id="epochbar"></div></div></div>
  <div class="stat"><span class="k">Tempo</span><span class="v" id="tempo">—</span></div>
  <div class="stat"><span class="k">Neurons</span><span class="v" id="neuroncount">—</span></div>
  <div class="live" id="live"><span class="dot"></span><span id="livetext">connecting…</span></div>
</header>
<main>
  <section class="wide">
    <h2>Metagraph</h2>
    <div class="tablewrap"><table>
        <thead><tr><th class="l">UID</th><th class="l">Role</th><th class="l">Strategy</th><th class="l">Hotkey</th>
          <th>Stake</th><th>Window reward</th><th>Weight</th><th>Incentive</th><th>Dividends</th><th>Emission</th>
          <th class="l">Missing</th><th class="l">Axon</th></tr></thead>
        <tbody id="metagraph-body"></tbody>
      </table></div>
  </section>
  <div>
    <section>
      <h2>Over time</h2>
      <div class="charts">
        <div class="chart"><h3>Incentive (on chain, per epoch)</h3><div id="chart-incentive"></div></div>
        <div class="chart"><h3>Weights (set by the validator)</h3><div id="chart-weights"></div></div>
      </div>
      <div class="legend" id="legend"></div>
    </section>
  </div>
  <div>
    <section>
      <h2><span>Rounds</span><span class="muted"><span id="roundcount">0</span> shown, newest first</span></h2>
      <div id="rounds"></div>
    </section>
  </div>
</main>
<div class="foot">Live via server-sent events · JSON at <span class="mono">/api/snapshot</span></div>
`;

function sha256(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

export interface DashboardPage {
  html: string;
  /** Content-Security-Policy for the page: only our own inline script and style may run. */
  csp: string;
}

export function dashboardPage(): DashboardPage {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Apex localnet dashboard</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>${BODY}<script>${SCRIPT}</script>
</body>
</html>
`;
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(SCRIPT)}`,
    `style-src ${sha256(STYLE)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  return { html, csp };
}
