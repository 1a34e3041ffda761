// The admin dashboard (served at /admin/ by the API): a plain ES module, no build step. Chart.js
// is loaded before it by index.html (/admin/vendor/chart.umd.min.js) as the global `Chart`.

const TOKEN_KEY = 'amourFloralsAdminToken';
const API = '/api';

const $ = (selector) => document.querySelector(selector);

const money = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR' });
const count = new Intl.NumberFormat('en-IN');
const percent = new Intl.NumberFormat('en-IN', { style: 'percent', maximumFractionDigits: 1 });
const dateTime = new Intl.DateTimeFormat('en-IN', { dateStyle: 'medium', timeStyle: 'short' });

/** How each totals card shows its figure. */
const TOTALS = {
  netRevenue: money,
  orders: count,
  averageOrderValue: money,
  repeatCustomerRate: percent,
  conversionPerView: percent,
  conversionPerCart: percent,
  cartAbandonmentRate: percent,
};

const PALETTE = ['#b03a5b', '#e07a5f', '#3d7ea6', '#81b29a', '#f2cc8f', '#6d597a', '#98c1d9', '#c9ada7'];

const charts = new Map();

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

async function api(method, path, body, bearer = token()) {
  const headers = {};
  const current = bearer;
  if (current) headers.authorization = `Bearer ${current}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${API}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let payload;
  try {
    payload = text ? JSON.parse(text) : {};
  } catch {
    payload = {};
  }
  if (!response.ok) {
    throw new HttpError(response.status, payload.message || `The server answered ${response.status}`);
  }
  return payload;
}

function notify(message) {
  const notice = $('#notice');
  notice.textContent = message;
  notice.hidden = !message;
}

function showSignIn(message = '') {
  $('#dashboard').hidden = true;
  $('#who').hidden = true;
  $('#sign-in').hidden = false;
  notify(message);
  $('#email').focus();
}

function showDashboard(user) {
  $('#sign-in').hidden = true;
  $('#who').hidden = false;
  $('#who-name').textContent = user.fullName || user.email;
  $('#dashboard').hidden = false;
}

/**
 * The last 30 days, today included, until the admin picks another range: left to the server, whose
 * "today" is the shop's (its timezone), not this browser's; the dates are filled in from its answer.
 */
function defaultRange() {
  $('#range-from').value = '';
  $('#range-to').value = '';
  $('#range-granularity').value = 'day';
}

/** An instant as the YYYY-MM-DD date it falls on in `timeZone`. */
function dateIn(instant, timeZone) {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(instant));
}

function selectedRange() {
  const from = $('#range-from').value;
  const to = $('#range-to').value;
  return { ...(from ? { from } : {}), ...(to ? { to } : {}), granularity: $('#range-granularity').value };
}

function drawChart(id, config) {
  const existing = charts.get(id);
  if (existing) existing.destroy();
  const canvas = document.getElementById(id);
  charts.set(id, new window.Chart(canvas, config));
}

const baseOptions = {
  responsive: true,
  maintainAspectRatio: false,
  // Figures appear at once (and a test reading the canvas sees them drawn).
  animation: false,
};

function drawSeries(series) {
  drawChart('chart-series', {
    type: 'bar',
    data: {
      labels: series.map((row) => row.period),
      datasets: [
        {
          type: 'line',
          label: 'Net revenue (₹)',
          data: series.map((row) => row.netRevenue),
          borderColor: PALETTE[0],
          backgroundColor: PALETTE[0],
          yAxisID: 'revenue',
        },
        {
          type: 'bar',
          label: 'Orders',
          data: series.map((row) => row.orders),
          backgroundColor: PALETTE[6],
          yAxisID: 'orders',
        },
      ],
    },
    options: {
      ...baseOptions,
      scales: {
        revenue: { type: 'linear', position: 'left', beginAtZero: true },
        orders: {
          type: 'linear',
          position: 'right',
          beginAtZero: true,
          ticks: { precision: 0 },
          grid: { drawOnChartArea: false },
        },
      },
    },
  });
}

function drawBreakdown(id, rows) {
  const shown = rows.length > 0 ? rows : [{ key: 'No sales', revenue: 0, orders: 0 }];
  drawChart(id, {
    type: 'bar',
    data: {
      labels: shown.map((row) => row.key),
      datasets: [
        {
          label: 'Net revenue (₹)',
          data: shown.map((row) => row.revenue),
          backgroundColor: shown.map((_, i) => PALETTE[i % PALETTE.length]),
        },
      ],
    },
    options: {
      ...baseOptions,
      indexAxis: 'y',
      plugins: { legend: { display: false } },
      scales: { x: { beginAtZero: true } },
    },
  });
}

function cell(text, className) {
  const td = document.createElement('td');
  if (className) {
    const span = document.createElement('span');
    span.className = className;
    span.textContent = text;
    td.append(span);
  } else {
    td.textContent = text;
  }
  return td;
}

function fillTable(selector, rows, toCells, empty) {
  const body = $(`${selector} tbody`);
  body.replaceChildren();
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    const td = cell(empty);
    td.colSpan = $(`${selector} thead tr`).children.length;
    td.className = 'muted';
    tr.append(td);
    body.append(tr);
    return;
  }
  for (const row of rows) {
    const tr = document.createElement('tr');
    tr.append(...toCells(row));
    body.append(tr);
  }
}

function render(data) {
  const { range, totals } = data;
  if (!$('#range-from').value) $('#range-from').value = dateIn(range.from, range.timezone);
  if (!$('#range-to').value) $('#range-to').value = dateIn(range.to, range.timezone);
  $('#range-shown').textContent =
    `Showing ${dateTime.format(new Date(range.from))} to ${dateTime.format(new Date(range.to))} ` +
    `by ${range.granularity} (${range.timezone})`;
  for (const [key, format] of Object.entries(TOTALS)) {
    const dd = document.querySelector(`[data-total="${key}"]`);
    dd.dataset.value = String(totals[key]);
    dd.textContent = format.format(totals[key]);
  }
  drawSeries(data.series);
  drawBreakdown('chart-occasion', data.revenueByOccasion);
  drawBreakdown('chart-payment', data.revenueByPaymentMethod);
  drawBreakdown('chart-city', data.revenueByCity);
  fillTable(
    '#low-stock',
    data.lowStock,
    (p) => [cell(p.name), cell(count.format(p.stock)), cell(count.format(p.lowStockThreshold))],
    'Nothing is running low.',
  );
  fillTable(
    '#latest-orders',
    data.latestOrders,
    (o) => [
      cell(o.orderNumber),
      cell(o.customer),
      cell(o.status, `status status-${o.status}`),
      cell(money.format(o.total)),
      cell(dateTime.format(new Date(o.createdAt))),
    ],
    'No orders yet.',
  );
}

async function loadDashboard() {
  const query = new URLSearchParams(selectedRange());
  try {
    const answer = await api('GET', `/analytics/dashboard?${query}`);
    notify('');
    render(answer.data);
  } catch (error) {
    if (error instanceof HttpError && (error.status === 401 || error.status === 403)) {
      sessionStorage.removeItem(TOKEN_KEY);
      showSignIn('Your session has ended; please sign in again.');
      return;
    }
    notify(error instanceof HttpError ? error.message : 'The dashboard could not be loaded.');
  }
}

async function enter(user) {
  showDashboard(user);
  await loadDashboard();
}

async function signIn(event) {
  event.preventDefault();
  const email = $('#email').value.trim();
  const password = $('#password').value;
  if (!email || !password) {
    notify('Enter your email and password.');
    return;
  }
  try {
    const answer = await api('POST', '/auth/login', { email, password });
    if (answer.user.role !== 'admin') {
      // A customer's session is of no use here: revoke it rather than leave it behind.
      await api('POST', '/auth/logout', undefined, answer.token).catch(() => undefined);
      notify('This account is not an administrator: the dashboard is for admins only.');
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, answer.token);
    $('#password').value = '';
    await enter(answer.user);
  } catch (error) {
    notify(error instanceof HttpError ? error.message : 'Signing in failed; please try again.');
  }
}

async function signOut() {
  await api('POST', '/auth/logout').catch(() => undefined);
  sessionStorage.removeItem(TOKEN_KEY);
  showSignIn('You are signed out.');
}

async function start() {
  defaultRange();
  $('#sign-in-form').addEventListener('submit', signIn);
  $('#sign-out').addEventListener('click', signOut);
  $('#range-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const { from, to } = selectedRange();
    if (!from || !to || from > to) {
      notify('Pick a start date on or before the end date.');
      return;
    }
    void loadDashboard();
  });
  if (!token()) {
    showSignIn();
    return;
  }
  try {
    const me = await api('GET', '/auth/me');
    if (me.user.role !== 'admin') throw new HttpError(403, 'not an admin');
    await enter(me.user);
  } catch {
    sessionStorage.removeItem(TOKEN_KEY);
    showSignIn();
  }
}

void start();
