// The console's own script (no inline script anywhere: the pages' CSP forbids it).
// The accounts upload: streams the file as the API takes it, shows the bytes sent, then the rows the server has
// taken in so far (read from the upload's record while it runs), and opens the upload's report when done.
(function () {
  'use strict';

  function setup(form) {
    var bar = document.getElementById('upload-bytes');
    var barText = document.getElementById('upload-bytes-text');
    var rows = document.getElementById('upload-rows');
    var box = document.getElementById('upload-progress');
    var problem = document.getElementById('upload-problem');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var input = form.querySelector('input[type=file]');
      var file = input.files && input.files[0];
      if (!file) {
        return;
      }
      var token = form.querySelector('input[name="csrf-token"]').value;
      var ndjson = /\.(ndjson|jsonl)$/i.test(file.name);
      var xhr = new XMLHttpRequest();
      var polling = null;
      problem.hidden = true;
      box.hidden = false;
      form.querySelector('button').disabled = true;
      xhr.open('POST', form.getAttribute('data-upload'));
      xhr.setRequestHeader('Content-Type', ndjson ? 'application/x-ndjson' : 'text/csv');
      xhr.setRequestHeader('X-CSRF-TOKEN', token);
      xhr.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round(e.loaded * 100 / e.total);
          barText.textContent = bar.value + ' % of ' + e.total.toLocaleString() + ' bytes';
        }
      });
      polling = setInterval(function () {
        fetch(form.getAttribute('data-progress'), {credentials: 'same-origin'})
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (u) {
            if (u && u.status === 'RUNNING') {
              rows.textContent = u.accepted.toLocaleString() + ' rows taken in, ' + u.rejected.toLocaleString()
                + ' rejected, up to line ' + u.lastLine.toLocaleString();
            }
          })
          .catch(function () { /* the next poll tries again */ });
      }, 1000);
      xhr.addEventListener('loadend', function () {
        clearInterval(polling);
        form.querySelector('button').disabled = false;
        var answer = null;
        try {
          answer = JSON.parse(xhr.responseText);
        } catch (ignored) { /* not JSON */ }
        if (xhr.status === 200 && answer && answer.uploadId) {
          window.location.assign(form.getAttribute('data-upload').replace(/accounts$/, 'uploads/') + answer.uploadId);
        } else {
          problem.textContent = (answer && answer.message) || ('The upload failed (HTTP ' + xhr.status
            + '). Check the connection and try again; what was accepted before a break is kept.');
          problem.hidden = false;
        }
      });
      xhr.send(file);
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var form = document.getElementById('upload-form');
    if (form) {
      setup(form);
    }
  });
}());
