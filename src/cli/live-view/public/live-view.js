// The live view page's script (vanilla JS, no build step): loads /api/status, then follows /api/events
// (Server-Sent Events; EventSource resumes with Last-Event-ID) and redraws the agents table, the
// who-wrote-to-whom graph (SVG), the token bars and the threaded message list. Every value from mail is
// inserted with textContent, never as markup.
const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 640;
const HEIGHT = 420;
const FRESH_MS = 4000;
/** Messages kept for the list (edge counts keep growing); a long session must not grow the page forever. */
const MAX_MESSAGES = 2000;

const view = {
  status: null,
  agents: new Map(), // name -> AgentStatus
  edges: new Map(), // "from→to" -> { from, to, count, lastAt }
  addresses: new Set(), // every address seen in mail
  messages: new Map(), // messageId -> MessageEvent
  messageCount: 0,
};

const $ = (selector) => document.querySelector(selector);

function element(tag, attributes = {}, text) {
  const node = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function shortName(address) {
  const domain = view.status?.domain;
  return domain && address.endsWith(`@${domain}`) ? address.slice(0, -domain.length - 1) : address;
}

function ago(iso) {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m ago`;
}

function clock(iso) {
  return new Date(iso).toLocaleTimeString([], { hour12: false });
}

function renderHeader() {
  const status = view.status;
  $('#domain').textContent = `@${status.domain}`;
  const { host, ports } = status.postOffice;
  $('#post-office').textContent = `IMAP ${host}:${ports.imap} · submission ${ports.submission} · inbound SMTP ${ports.smtp}`;
  const held = $('#held');
  held.hidden = status.heldMessages === undefined;
  held.textContent = `${status.heldMessages ?? 0} held for approval`;
}

function renderAgents() {
  const body = $('#agents tbody');
  body.replaceChildren();
  for (const agent of view.agents.values()) {
    const row = element('tr', { 'data-agent': agent.name, 'data-state': agent.state });
    row.append(element('td', {}, agent.name), element('td', {}, agent.model));
    const state = element('td');
    state.append(element('span', { class: 'state', 'data-state': agent.state, title: agent.pausedReason ?? '' }, agent.state));
    row.append(state, element('td', { class: 'last-activity', 'data-time': agent.lastActivity ?? '' }, ago(agent.lastActivity)));
    row.append(element('td', { class: 'number' }, agent.turnsToday), element('td', { class: 'number tokens' }, agent.tokensToday.total.toLocaleString()));
    body.append(row);
  }
}

function renderTokens() {
  const container = $('#tokens');
  container.replaceChildren();
  const agents = [...view.agents.values()];
  const max = Math.max(1, ...agents.map((agent) => agent.tokensToday.total));
  let total = 0;
  for (const agent of agents) {
    total += agent.tokensToday.total;
    const row = element('div', { class: 'token-row', 'data-agent': agent.name });
    const bar = element('div', { class: 'bar' });
    const fill = element('div');
    fill.style.width = `${(100 * agent.tokensToday.total) / max}%`;
    bar.append(fill);
    const { input, output } = agent.tokensToday;
    row.append(element('span', {}, agent.name), bar, element('span', { class: 'number', title: `${input} in / ${output} out` }, agent.tokensToday.total.toLocaleString()));
    container.append(row);
  }
  $('#tokens-total').textContent = `(${total.toLocaleString()} in all)`;
}

/** Agents first, then everyone else seen in mail, evenly on an ellipse. */
function layoutNodes() {
  const agentAddresses = [...view.agents.values()].map((agent) => agent.address);
  const others = [...view.addresses].filter((address) => !agentAddresses.includes(address)).sort();
  const all = [...agentAddresses, ...others];
  const positions = new Map();
  all.forEach((address, index) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * index) / Math.max(all.length, 1);
    positions.set(address, { x: WIDTH / 2 + (WIDTH / 2 - 70) * Math.cos(angle), y: HEIGHT / 2 + (HEIGHT / 2 - 45) * Math.sin(angle) });
  });
  return positions;
}

function renderGraph() {
  const positions = layoutNodes();
  const agentsByAddress = new Map([...view.agents.values()].map((agent) => [agent.address, agent]));
  const edgesLayer = $('#edges');
  const nodesLayer = $('#nodes');
  edgesLayer.replaceChildren();
  nodesLayer.replaceChildren();
  const radius = 26;
  for (const edge of view.edges.values()) {
    const from = positions.get(edge.from);
    const to = positions.get(edge.to);
    if (!from || !to) continue;
    // Bend every edge to its right, so A→B and B→A are two visible arcs rather than one line.
    const dx = to.x - from.x;
    const dy = to.y - from.y;
    const length = Math.hypot(dx, dy) || 1;
    const bend = view.edges.has(`${edge.to}→${edge.from}`) ? 30 : 12;
    const control = { x: (from.x + to.x) / 2 - (dy / length) * bend, y: (from.y + to.y) / 2 + (dx / length) * bend };
    const start = towards(from, control, radius);
    const end = towards(to, control, radius + 2);
    const group = element('svg:g', { class: Date.now() - edge.lastAt < FRESH_MS ? 'edge fresh' : 'edge', 'data-from': edge.from, 'data-to': edge.to, 'data-count': edge.count });
    group.append(element('svg:path', { d: `M ${start.x} ${start.y} Q ${control.x} ${control.y} ${end.x} ${end.y}`, 'marker-end': 'url(#arrow)' }));
    group.append(element('svg:text', { x: control.x, y: control.y }, edge.count));
    edgesLayer.append(group);
  }
  for (const [address, position] of positions) {
    const agent = agentsByAddress.get(address);
    const group = element('svg:g', { class: 'node', 'data-address': address, 'data-kind': agent ? 'agent' : 'human', 'data-state': agent?.state ?? '' });
    group.append(element('svg:circle', { cx: position.x, cy: position.y, r: radius }));
    // Names sit on the outside of the ellipse, where no edge runs.
    const labelY = position.y < HEIGHT / 2 - 1 ? position.y - radius - 6 : position.y + radius + 14;
    group.append(element('svg:text', { x: position.x, y: labelY }, shortName(address)));
    if (agent) group.append(element('svg:text', { x: position.x, y: position.y + 4 }, agent.state));
    nodesLayer.append(group);
  }
  $('#message-count').textContent = `(${view.messageCount} messages)`;
}

function towards(point, target, distance) {
  const dx = target.x - point.x;
  const dy = target.y - point.y;
  const length = Math.hypot(dx, dy) || 1;
  return { x: point.x + (dx / length) * distance, y: point.y + (dy / length) * distance };
}

/** Threads newest first; inside a thread, replies under their parent. */
function renderMessages() {
  const threads = new Map();
  for (const message of view.messages.values()) {
    const thread = threads.get(message.threadId) ?? { latest: 0, messages: [] };
    thread.latest = Math.max(thread.latest, message.sequence);
    thread.messages.push(message);
    threads.set(message.threadId, thread);
  }
  const list = $('#messages');
  list.replaceChildren();
  const ordered = [...threads.values()].sort((left, right) => right.latest - left.latest).slice(0, 50);
  for (const thread of ordered) {
    const children = new Map();
    const ids = new Set(thread.messages.map((message) => message.messageId));
    const roots = [];
    for (const message of thread.messages) {
      if (message.inReplyTo && ids.has(message.inReplyTo)) children.set(message.inReplyTo, [...(children.get(message.inReplyTo) ?? []), message]);
      else roots.push(message);
    }
    const visit = (message, depth) => {
      const item = element('li', { 'data-message-id': message.messageId, 'data-thread-id': message.threadId });
      item.style.paddingLeft = `${depth * 18}px`;
      const copies = message.cc.length > 0 ? ` (cc ${message.cc.map(shortName).join(', ')})` : '';
      item.append(element('span', { class: 'time' }, clock(message.time)), element('span', { class: 'route' }, `${shortName(message.from)} → ${message.to.map(shortName).join(', ')}${copies}`), element('span', { class: 'subject' }, message.subject));
      list.append(item);
      for (const child of children.get(message.messageId) ?? []) visit(child, depth + 1);
    };
    for (const root of roots) visit(root, 0);
  }
}

function addMessage(message) {
  if (view.messages.has(message.messageId)) return;
  view.messages.set(message.messageId, message);
  if (view.messages.size > MAX_MESSAGES) view.messages.delete(view.messages.keys().next().value);
  view.messageCount += 1;
  const add = (to) => {
    if (!message.from || to === message.from) return;
    const key = `${message.from}→${to}`;
    const edge = view.edges.get(key) ?? { from: message.from, to, count: 0, lastAt: 0 };
    edge.count += 1;
    edge.lastAt = Date.now();
    view.edges.set(key, edge);
  };
  for (const address of [message.from, ...message.to, ...message.cc]) if (address) view.addresses.add(address);
  for (const to of new Set([...message.to, ...message.cc])) add(to);
}

let redrawQueued = false;
function redraw() {
  if (redrawQueued) return;
  redrawQueued = true;
  requestAnimationFrame(() => {
    redrawQueued = false;
    renderAgents();
    renderTokens();
    renderGraph();
    renderMessages();
  });
}

async function loadStatus() {
  const response = await fetch('/api/status', { cache: 'no-store' });
  if (!response.ok) throw new Error(`/api/status answered ${response.status}`);
  return response.json();
}

async function start() {
  view.status = await loadStatus();
  for (const agent of view.status.agents) view.agents.set(agent.name, agent);
  renderHeader();
  redraw();
  const connection = $('#connection');
  const events = new EventSource('/api/events?backlog=500');
  events.addEventListener('open', async () => {
    connection.dataset.connection = 'live';
    connection.textContent = 'live';
    // A different start time means `mailswarm up` restarted: our counts belong to the old process.
    const fresh = await loadStatus().catch(() => null);
    if (fresh && fresh.startedAt !== view.status.startedAt) location.reload();
  });
  events.addEventListener('error', () => {
    connection.dataset.connection = 'reconnecting';
    connection.textContent = 'reconnecting…';
  });
  events.addEventListener('message', (event) => {
    addMessage(JSON.parse(event.data));
    redraw();
  });
  events.addEventListener('agent-state', (event) => {
    const { agent } = JSON.parse(event.data);
    view.agents.set(agent.name, agent);
    redraw();
  });
  // Relative times and the fresh-edge highlight age without new events; pauses by the guard rails and the
  // held-mail count have no event of their own, so the status is read again now and then.
  setInterval(async () => {
    const fresh = await loadStatus().catch(() => null);
    if (fresh && fresh.startedAt === view.status.startedAt) {
      view.status = fresh;
      for (const agent of fresh.agents) view.agents.set(agent.name, agent);
      renderHeader();
    }
    redraw();
  }, 5000);
}

start().catch((error) => {
  const connection = $('#connection');
  connection.dataset.connection = 'failed';
  connection.textContent = `failed to load: ${error.message}`;
});
