// The analysts' notebook: cells are edited here, each SQL cell is sent to
// /so-tay/chay and its result page drawn as a table (text only: values are
// set with textContent, never as HTML), a chart (ECharts) or exported.
// Markdown cells are drawn by a small renderer that builds DOM nodes.
(function () {
  'use strict';
  var root = document.getElementById('notebook');
  if (!root) { return; }
  var csrf = root.getAttribute('data-csrf');
  var cellsEl = document.getElementById('nb-cells');
  var nf = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 4 });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  function button(label, fn) {
    var b = el('button', null, label);
    b.type = 'button';
    b.addEventListener('click', fn);
    return b;
  }

  // Markdown: headings, lists, paragraphs, **bold**, `code`.
  function inline(parent, text) {
    var re = /(\*\*[^*]+\*\*|`[^`]+`)/g, last = 0, m;
    while ((m = re.exec(text)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      var t = m[0];
      parent.appendChild(t.charAt(0) === '`' ? el('code', null, t.slice(1, -1)) : el('strong', null, t.slice(2, -2)));
      last = m.index + t.length;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }
  function renderMarkdown(src) {
    var box = el('div', 'nb-md'), list = null, para = null;
    src.split('\n').forEach(function (line) {
      var h = /^(#{1,3})\s+(.*)$/.exec(line), li = /^\s*[-*]\s+(.*)$/.exec(line);
      if (h) { list = para = null; var x = el('h' + (h[1].length + 1)); inline(x, h[2]); box.appendChild(x); return; }
      if (li) { para = null; if (!list) { list = el('ul'); box.appendChild(list); } var i = el('li'); inline(i, li[1]); list.appendChild(i); return; }
      if (line.trim() === '') { list = para = null; return; }
      list = null;
      if (!para) { para = el('p'); box.appendChild(para); } else { para.appendChild(document.createTextNode(' ')); }
      inline(para, line);
    });
    return box;
  }

  // Years and codes are labels, not quantities: no thousands dot (2024,
  // not 2.024).
  var labelCol = /(^|_)(year|nam|code|ma|id)($|_)|units_year|period/i;
  function fmt(v, col) {
    if (v === null || v === undefined) { return ''; }
    if (typeof v === 'number' && col && labelCol.test(col)) { return String(v); }
    if (typeof v === 'number') { return nf.format(v); }
    if (typeof v === 'boolean') { return v ? 'đúng' : 'sai'; }
    return String(v);
  }

  function post(url, body) {
    return fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body)
    }).then(function (r) { return r.json(); });
  }

  function numericColumns(res) {
    var out = [];
    res.columns.forEach(function (c, i) {
      if (i === 0) { return; }
      var any = false, ok = true;
      res.rows.forEach(function (r) { if (r[i] !== null) { any = true; if (typeof r[i] !== 'number') { ok = false; } } });
      if (any && ok) { out.push(i); }
    });
    return out;
  }

  function drawChart(box, res, kind) {
    box.textContent = '';
    var nums = numericColumns(res);
    if (!window.echarts || nums.length === 0 || res.rows.length === 0) {
      box.appendChild(el('p', 'nb-meta', 'Không vẽ được: cần cột đầu làm trục hoành và ít nhất một cột số.'));
      return;
    }
    var div = el('div', 'nb-chart');
    box.appendChild(div);
    var chart = echarts.init(div, null, { renderer: 'canvas' });
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis', valueFormatter: function (v) { return fmt(v); } },
      legend: { type: 'scroll' },
      grid: { left: 60, right: 20, bottom: 40, top: 40 },
      xAxis: { type: 'category', data: res.rows.map(function (r) { return fmt(r[0], res.columns[0]); }) },
      yAxis: { type: 'value', axisLabel: { formatter: function (v) { return fmt(v); } } },
      series: nums.map(function (i) {
        return { name: res.columns[i], type: kind, data: res.rows.map(function (r) { return r[i]; }) };
      })
    });
  }

  function drawTable(box, res) {
    box.textContent = '';
    var wrap = el('div', 'nb-scroll'), t = el('table'), head = el('tr');
    res.columns.forEach(function (c) { head.appendChild(el('th', null, c)); });
    var thead = el('thead'); thead.appendChild(head); t.appendChild(thead);
    var tb = el('tbody');
    res.rows.forEach(function (r) {
      var tr = el('tr');
      r.forEach(function (v, i) { tr.appendChild(el('td', typeof v === 'number' ? 'num' : null, fmt(v, res.columns[i]))); });
      tb.appendChild(tr);
    });
    t.appendChild(tb); wrap.appendChild(t); box.appendChild(wrap);
  }

  function exportAs(sql, format) {
    var f = document.getElementById('nb-export-form');
    document.getElementById('nb-export-sql').value = sql;
    f.action = '/so-tay/xuat/' + format;
    f.submit();
  }

  function run(cell, offset) {
    var out = cell.querySelector('.nb-out');
    var sql = cell.querySelector('.nb-source').value;
    out.textContent = '';
    out.appendChild(el('p', 'nb-meta', 'Đang chạy…'));
    return post('/so-tay/chay', { sql: sql, offset: offset || 0 }).then(function (res) {
      out.textContent = '';
      if (res.error) { out.appendChild(el('p', 'nb-err', res.error)); return; }
      var meta = el('div', 'nb-meta');
      var from = res.offset + 1, to = res.offset + res.rows.length;
      meta.appendChild(el('span', 'nb-count', res.rows.length ? 'Dòng ' + nf.format(from) + '–' + nf.format(to) + (res.more ? ' (còn nữa)' : '') : 'Không có dòng nào'));
      meta.appendChild(el('span', null, '· ' + nf.format(res.ms) + ' ms'));
      if (res.offset > 0) { meta.appendChild(button('‹ Trang trước', function () { run(cell, Math.max(0, res.offset - 100)); })); }
      if (res.more) { meta.appendChild(button('Trang sau ›', function () { run(cell, res.offset + res.rows.length); })); }
      var view = el('div', 'nb-view');
      meta.appendChild(button('Bảng', function () { drawTable(view, res); }));
      meta.appendChild(button('Biểu đồ cột', function () { drawChart(view, res, 'bar'); }));
      meta.appendChild(button('Biểu đồ đường', function () { drawChart(view, res, 'line'); }));
      ['csv', 'xlsx', 'parquet'].forEach(function (f) {
        meta.appendChild(button('Xuất ' + f.toUpperCase(), function () { exportAs(sql, f); }));
      });
      out.appendChild(meta);
      out.appendChild(view);
      drawTable(view, res);
    }).catch(function () {
      out.textContent = '';
      out.appendChild(el('p', 'nb-err', 'Không gửi được truy vấn tới máy chủ.'));
    });
  }

  function setup(cell) {
    var kind = cell.getAttribute('data-kind');
    var head = cell.querySelector('.nb-cell-head');
    var src = cell.querySelector('.nb-source');
    if (kind === 'markdown') {
      var shown = renderMarkdown(src.value);
      cell.insertBefore(shown, src);
      src.hidden = true;
      head.appendChild(button('Sửa', function () {
        src.hidden = !src.hidden;
        var fresh = renderMarkdown(src.value);
        cell.replaceChild(fresh, shown);
        shown = fresh;
      }));
    } else {
      head.appendChild(button('▶ Chạy', function () { run(cell, 0); }));
      src.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' && (e.ctrlKey || e.shiftKey)) { e.preventDefault(); run(cell, 0); }
      });
    }
    head.appendChild(button('↑', function () { if (cell.previousElementSibling) { cellsEl.insertBefore(cell, cell.previousElementSibling); } }));
    head.appendChild(button('↓', function () { if (cell.nextElementSibling) { cellsEl.insertBefore(cell.nextElementSibling, cell); } }));
    head.appendChild(button('Xóa', function () { cell.remove(); }));
  }

  function addCell(kind, title, source) {
    var cell = el('section', 'nb-cell');
    cell.setAttribute('data-kind', kind);
    var head = el('div', 'nb-cell-head');
    head.appendChild(el('span', 'nb-kind', kind === 'markdown' ? 'Ghi chú' : 'SQL'));
    var t = el('input', 'nb-title'); t.value = title || ''; t.placeholder = 'Tên ô';
    head.appendChild(t);
    var ta = el('textarea', 'nb-source'); ta.rows = kind === 'markdown' ? 4 : 6; ta.spellcheck = false; ta.value = source || '';
    cell.appendChild(head); cell.appendChild(ta); cell.appendChild(el('div', 'nb-out'));
    cellsEl.appendChild(cell);
    setup(cell);
    return cell;
  }

  function cells() {
    return Array.prototype.map.call(cellsEl.querySelectorAll('.nb-cell'), function (c) {
      return { kind: c.getAttribute('data-kind'), title: c.querySelector('.nb-title').value, source: c.querySelector('.nb-source').value };
    });
  }

  Array.prototype.forEach.call(cellsEl.querySelectorAll('.nb-cell'), setup);
  document.getElementById('nb-add-sql').addEventListener('click', function () { addCell('sql', '', 'SELECT *\nFROM province_year\nLIMIT 10').querySelector('textarea').focus(); });
  document.getElementById('nb-add-md').addEventListener('click', function () { var c = addCell('markdown', '', '# Ghi chú'); c.querySelector('textarea').hidden = false; });
  document.getElementById('nb-run-all').addEventListener('click', function () {
    var list = Array.prototype.filter.call(cellsEl.querySelectorAll('.nb-cell'), function (c) { return c.getAttribute('data-kind') === 'sql'; });
    list.reduce(function (p, c) { return p.then(function () { return run(c, 0); }); }, Promise.resolve());
  });
  document.getElementById('nb-save-form').addEventListener('submit', function () {
    document.getElementById('nb-save-cells').value = JSON.stringify(cells());
  });
  document.getElementById('nb-open').addEventListener('change', function (e) {
    var file = e.target.files[0];
    if (!file) { return; }
    var fd = new FormData();
    fd.append('tep', file);
    fetch('/so-tay/mo', { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf }, body: fd })
      .then(function (r) { return r.json(); })
      .then(function (res) {
        if (res.error) { window.alert(res.error); return; }
        cellsEl.textContent = '';
        (res.cells || []).forEach(function (c) { addCell(c.kind, c.title, c.source); });
      });
  });
  root.setAttribute('data-ready', '1');
}());
