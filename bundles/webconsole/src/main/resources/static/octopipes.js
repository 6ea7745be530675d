/*
 * The Octopipes page: polls data.json, fills the tables, draws deliveries and drops per second
 * with Chart.js, and posts the actions with the page's token. Every name from the server is put in
 * the page as text (textContent), never as HTML.
 */
(function () {
  'use strict';

  var root = document.getElementById('octopipes');
  var base = root.dataset.base;
  var token = root.dataset.token;
  var refreshMillis = Math.max(1, Number(root.dataset.sampleSeconds)) * 1000;
  var message = document.getElementById('octopipes-message');

  var chart = new Chart(document.getElementById('octopipes-chart'), {
    type: 'line',
    data: {
      labels: [],
      datasets: [
        { label: 'deliveries/s', data: [], borderColor: '#1565c0', backgroundColor: 'rgba(21,101,192,0.15)', fill: true, pointRadius: 2, tension: 0.2 },
        { label: 'drops/s', data: [], borderColor: '#c62828', backgroundColor: 'rgba(198,40,40,0.15)', fill: true, pointRadius: 2, tension: 0.2 }
      ]
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: { y: { beginAtZero: true, title: { display: true, text: 'packets per second' } } }
    }
  });

  function cell(row, text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) {
      td.className = className;
    }
    row.appendChild(td);
    return td;
  }

  function fill(tableId, items, columns) {
    var body = document.querySelector('#' + tableId + ' tbody');
    body.replaceChildren();
    items.forEach(function (item) {
      var row = document.createElement('tr');
      columns.forEach(function (column) {
        var value = column(item);
        cell(row, value, typeof value === 'number' ? 'number' : '');
      });
      body.appendChild(row);
    });
    if (items.length === 0) {
      var row = document.createElement('tr');
      cell(row, 'none').colSpan = document.querySelectorAll('#' + tableId + ' thead th').length;
      body.appendChild(row);
    }
    return body;
  }

  function button(label, action, client, input) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.dataset.action = action;
    b.dataset.client = client;
    b.addEventListener('click', function () {
      var params = { client: client };
      if (input) {
        params.groups = input.value;
      }
      act(action, params);
    });
    return b;
  }

  function clientActions(td, client) {
    td.className = 'actions';
    var groups = document.createElement('input');
    groups.type = 'text';
    groups.placeholder = 'group, group';
    groups.setAttribute('aria-label', 'groups for ' + client.name);
    td.appendChild(groups);
    td.appendChild(button('Subscribe', 'subscribe', client.name, groups));
    td.appendChild(button('Unsubscribe', 'unsubscribe', client.name, groups));
    td.appendChild(button('Kick', 'kick', client.name, null));
  }

  function render(data) {
    var t = data.totals;
    document.getElementById('octopipes-summary').textContent = data.clients.length + ' clients, ' + data.groups.length
        + ' groups; received ' + t.received + ', routed ' + t.routed + ', delivered ' + t.delivered + ', dropped ' + t.dropped + '.';

    // Rows are rebuilt at each poll, but not under the user's typing: skip while a groups field has the focus.
    var active = document.activeElement;
    if (!(active && active.closest && active.closest('#octopipes-clients'))) {
      var body = fill('octopipes-clients', data.clients, [
        function (c) { return c.name; }, function (c) { return c.groups.join(', '); }, function (c) { return c.transport; },
        function (c) { return c.queuedPackets; }, function (c) { return c.queuedBytes; }, function (c) { return c.received; },
        function (c) { return c.delivered; }, function (c) { return c.dropped; }, function () { return ''; }
      ]);
      data.clients.forEach(function (client, i) {
        var row = body.rows[i];
        row.dataset.client = client.name;
        clientActions(row.cells[row.cells.length - 1], client);
      });
    }
    fill('octopipes-groups', data.groups, [function (g) { return g.name; }, function (g) { return g.members.join(', '); }]);
    var policyColumns = [function (p) { return p.name; }, function (p) { return p.ranking; }, function (p) { return p.bundle; },
      function (p) { return p.serviceId; }, function (p) { return p.active ? 'yes' : 'no'; }];
    fill('octopipes-policies', data.policies, policyColumns);
    fill('octopipes-access-checks', data.accessChecks, policyColumns);
    fill('octopipes-bridges', data.bridges, [
      function (b) { return b.name; }, function (b) { return b.broker; }, function (b) { return b.connected ? 'yes' : 'no'; },
      function (b) { return b.queuedPackets; }, function (b) { return b.queuedBytes; }, function (b) { return b.sent; },
      function (b) { return b.received; }, function (b) { return b.dropped; },
      function (b) { return b.importersWaitedFor; }, function (b) { return b.importersGivenUp; }
    ]);

    chart.data.labels = data.rates.map(function (r) { return new Date(r.time).toLocaleTimeString(); });
    chart.data.datasets[0].data = data.rates.map(function (r) { return r.delivered; });
    chart.data.datasets[1].data = data.rates.map(function (r) { return r.dropped; });
    chart.update();
    root.dataset.updated = String(Date.now());
  }

  function say(text, ok) {
    message.textContent = text;
    message.className = ok ? 'done' : 'error';
  }

  function refresh() {
    return fetch(base + '/data.json', { credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('the server answered ' + response.status);
        }
        return response.json();
      })
      .then(render)
      .catch(function (error) { say('Could not read the server\'s state: ' + error.message, false); });
  }

  function act(action, params) {
    return fetch(base + '/' + action, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-Octopipes-Token': token, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params)
    })
      .then(function (response) { return response.json(); })
      .then(function (result) { say(result.message, result.ok); })
      .catch(function (error) { say(action + ' failed: ' + error.message, false); })
      .then(refresh);
  }

  refresh();
  setInterval(refresh, refreshMillis);
}());
