// The live dashboard: polls /api/status and renders it (rates are the server's, over its last seconds).
"use strict";
const POLL_MS = 2000;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function rate(r) {
  return r >= 100 ? r.toFixed(0) : r.toFixed(1);
}

function render(s) {
  const state = document.getElementById("state");
  state.textContent = s.draining ? "draining" : s.ready ? "ready" : "starting";
  state.className = "pill " + (s.draining ? "bad" : s.ready ? "ok" : "");
  document.getElementById("meta").textContent =
    `${s.version} · generation ${s.generation} · listening on ${s.listen || "?"} · up since ${new Date(s.startedAt).toLocaleString()}`;

  document.getElementById("rps").textContent = rate(s.traffic.requestsPerSecond);
  document.getElementById("eps").textContent = rate(s.traffic.errors5xxPerSecond);
  document.getElementById("conns").textContent = s.traffic.openConnections;
  document.getElementById("websockets").textContent = s.traffic.openWebsockets;
  const healthy = s.domains.filter(d => d.healthy).length;
  document.getElementById("healthy").textContent = `${healthy} / ${s.domains.length}`;
  const nodes = new Map();
  for (const d of s.domains) for (const r of d.routes) for (const n of r.nodes) if (n.address) {
    nodes.set(n.check, n.status === "UP");
  }
  document.getElementById("nodesUp").textContent = `${[...nodes.values()].filter(Boolean).length} / ${nodes.size}`;

  const notices = document.getElementById("notices");
  notices.replaceChildren();
  if (s.lastReload && !s.lastReload.ok) {
    notices.append(el("div", {class: "notice"},
      `Last config reload (${s.lastReload.source}, ${new Date(s.lastReload.at).toLocaleTimeString()}) was refused; the previous config keeps serving: ${s.lastReload.error}`));
  }
  // ACME's certificates are renewed by edgeport: a failing host is flagged by its error instead
  const external = (s.certificates || []).filter(cert => cert.source !== "acme");
  const acmeHosts = s.acme ? s.acme.hosts : [];
  for (const cert of external) {
    if (cert.daysLeft < 14) {
      notices.append(el("div", {class: "notice"},
        `The certificate of ${cert.hosts.join(", ")} expires in ${cert.daysLeft} day(s) (${cert.notAfter}): renew it.`));
    }
  }
  for (const h of acmeHosts) {
    if (h.lastError) {
      notices.append(el("div", {class: "notice", "data-notice": "acme"}, `ACME ${h.host}: ${h.state}`
        + (h.failures ? ` after ${h.failures} failed order(s), next attempt ${new Date(h.nextAttempt).toLocaleString()}` : "")
        + (h.notAfter ? "; the current certificate keeps serving" : "") + `: ${h.lastError}`));
    }
  }
  if (s.cluster && s.cluster.state.startsWith("disconnected")) {
    notices.append(el("div", {class: "notice"}, `Kubernetes API ${s.cluster.state}: serving the last known state.`));
  }
  const gatewayApi = s.cluster && s.cluster.gatewayApi;
  if (gatewayApi && !gatewayApi.installed) {
    notices.append(el("div", {class: "notice", "data-notice": "gateway-api-missing"},
      `The cluster does not serve the Gateway API (${gatewayApi.missing.join(", ")} not found: its CRDs are not installed): gatewayClass ${gatewayApi.gatewayClass} is not served, the other sources are. CRDs installed later are followed without a restart.`));
  }

  const body = document.querySelector("#domains tbody");
  body.replaceChildren();
  for (const d of s.domains) {
    d.routes.forEach((r, i) => {
      const chips = el("td", {});
      for (const n of r.nodes) {
        const name = n.endpoint || n.name;
        const chip = el("span", {class: "node " + n.status, "data-node": n.address || n.name, "data-status": n.status,
          title: `${n.check || ""} ${n.status}${n.reason ? ": " + n.reason : ""}${n.lastChecked ? " (checked " + new Date(n.lastChecked).toLocaleTimeString() + ")" : ""}`},
          `${name} ${n.status}`);
        chips.append(chip);
        if (n.status !== "UP" && (n.reason || n.notServingBecause)) {
          chips.append(el("span", {class: "why"}, `${name}: ${n.reason || n.notServingBecause}`));
        }
      }
      if (r.unavailable) chips.append(el("span", {class: "why"}, `503: ${r.unavailable}`));
      const first = i === 0;
      const tr = el("tr", {class: d.healthy ? "" : "unhealthy", "data-domain": d.host},
        el("td", {}, first ? d.host : "", first ? el("div", {class: "origin"}, d.origin || "") : ""),
        el("td", {}, `${r.match} ${r.path}`, ...["conditions", "redirect", "rewrite"].filter(k => r[k])
          .map(k => el("div", {class: "origin"}, k === "conditions" ? r[k] : `${k} ${r[k]}`))),
        el("td", {}, r.backend + (r.weight !== undefined ? ` · weight ${r.weight}` : ""),
          el("div", {class: "origin"}, r.loadBalancing ? `${r.loadBalancing} · ${r.healthCheck}` : "")),
        chips,
        el("td", {class: "num"}, first ? rate(d.requestsPerSecond) : ""),
        el("td", {class: "num"}, first ? rate(d.errors5xxPerSecond) : ""),
        el("td", {class: "num"}, first ? d.requests : ""));
      body.append(tr);
    });
  }

  const c = s.cluster;
  const cluster = document.getElementById("cluster");
  cluster.replaceChildren();
  if (c) {
    cluster.append(el("div", {}, `Nodes from ${c.source} (${c.state}): ${c.nodes.join(", ") || "none"}`));
    for (const [name, why] of Object.entries(c.excluded)) cluster.append(el("div", {}, `excluded ${name}: ${why}`));
    if (c.source === "kubernetes") {
      cluster.append(el("div", {}, c.writesStatus ? "this replica writes status (it holds the lease)"
        : "status is written by the replica that holds the lease"));
    }
    if (c.gatewayApi) {
      cluster.append(el("div", {}, c.gatewayApi.installed ? `Gateway API: following gatewayClass ${c.gatewayApi.gatewayClass}`
        : `Gateway API: not installed in the cluster (missing ${c.gatewayApi.missing.join(", ")})`));
    }
    for (const conflict of c.conflicts || []) cluster.append(el("div", {class: "why"}, `host conflict: ${conflict}`));
  }
  const lbs = s.loadBalancers || [];
  document.getElementById("loadBalancersSection").hidden = lbs.length === 0;
  const lbBody = document.querySelector("#loadBalancers tbody");
  lbBody.replaceChildren();
  for (const p of lbs) {
    const chips = el("td", {});
    for (const n of p.nodes || []) {
      chips.append(el("span", {class: "node " + n.status, "data-node": n.address, "data-status": n.status},
        `${n.endpoint} ${n.status}`));
    }
    if (p.notServed) chips.append(el("span", {class: "why"}, p.notServed));
    if (p.unavailable) chips.append(el("span", {class: "why"}, p.unavailable));
    const where = el("td", {}, (p.listening || []).join(", "));
    for (const [bind, why] of Object.entries(p.cannotListen || {})) {
      where.append(el("div", {class: "why"}, `cannot listen on ${bind}: ${why}`));
    }
    const bad = p.notServed || p.unavailable || Object.keys(p.cannotListen || {}).length > 0;
    lbBody.append(el("tr", {class: bad ? "unhealthy" : "", "data-service": `${p.service}:${p.port}`},
      el("td", {}, `${p.service}:${p.port}`, el("div", {class: "origin"}, p.protocol)), where, chips,
      el("td", {class: "num"}, p.open ?? 0), el("td", {class: "num"}, p.connections ?? 0)));
  }
  document.getElementById("certificatesSection").hidden = external.length === 0 && !s.acme;
  const certBody = document.querySelector("#certificates tbody");
  certBody.replaceChildren();
  const day = t => t ? new Date(t).toLocaleDateString() : "–";
  for (const cert of external) {
    certBody.append(el("tr", {class: cert.daysLeft < 14 ? "unhealthy" : "", "data-certificate": cert.hosts[0],
        "data-source": cert.source},
      el("td", {}, cert.hosts.join(", "), el("div", {class: "origin"}, cert.origin)), el("td", {}, cert.source),
      el("td", {}, `${day(cert.notAfter)} (${cert.daysLeft} days)`), el("td", {}, "–"), el("td", {}, cert.issuer),
      el("td", {}, "served")));
  }
  for (const h of acmeHosts) {
    certBody.append(el("tr", {class: h.lastError || !h.notAfter ? "unhealthy" : "", "data-certificate": h.host,
        "data-source": "acme", "data-state": h.state},
      el("td", {}, h.host, el("div", {class: "origin"}, h.origin)), el("td", {}, "acme"),
      el("td", {}, h.notAfter ? `${day(h.notAfter)} (${h.daysLeft} days)` : "–"), el("td", {}, day(h.renewAt)),
      el("td", {}, h.issuer || "–"), el("td", {}, h.state, h.lastError ? el("span", {class: "why"}, h.lastError) : "")));
  }
  document.getElementById("acme").textContent = s.acme ? `ACME from ${s.acme.directory}: orders ${s.acme.orders.succeeded}`
    + ` succeeded, ${s.acme.orders.failed} failed · renewals ${s.acme.renewals}` : "";
  document.getElementById("footer").textContent =
    `updated ${new Date(s.now).toLocaleTimeString()} · rates over the last 10 s · reloads applied ${s.reloads.applied},`
    + ` refused ${s.reloads.refused} · retries ${s.traffic.retries}`;
}

async function poll() {
  try {
    const res = await fetch("/api/status", {cache: "no-store"});
    render(await res.json());
  } catch (e) {
    const state = document.getElementById("state");
    state.textContent = "unreachable";
    state.className = "pill bad";
  }
  setTimeout(poll, POLL_MS);
}
poll();
