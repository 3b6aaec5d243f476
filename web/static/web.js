// Drag and drop onto the upload and 预检 forms, and, for many files, an
// upload one file at a time with a progress bar. Without this script the
// plain file inputs and forms do the same work.
(function () {
  // The source viewer on a phone shows the page larger than the screen in
  // a box that scrolls: start it with the recognised number's box in the
  // middle. On a wide screen the box does not scroll and nothing moves.
  document.addEventListener('DOMContentLoaded', function () {
    var scroller = document.getElementById('page-scroll'), box = document.getElementById('ocr-box');
    var img = document.getElementById('pdf-page');
    if (!scroller || !box || !img) return;
    function centre() {
      if (scroller.scrollWidth <= scroller.clientWidth && scroller.scrollHeight <= scroller.clientHeight) return;
      scroller.scrollLeft = box.offsetLeft + box.offsetWidth / 2 - scroller.clientWidth / 2;
      scroller.scrollTop = box.offsetTop + box.offsetHeight / 2 - scroller.clientHeight / 2;
    }
    if (img.complete) centre(); else img.addEventListener('load', centre);
  });
  function dropInto(zone, input, onDrop) {
    if (!zone || !input) return;
    zone.addEventListener('dragover', function (e) { e.preventDefault(); zone.classList.add('over'); });
    zone.addEventListener('dragleave', function () { zone.classList.remove('over'); });
    zone.addEventListener('drop', function (e) {
      e.preventDefault(); zone.classList.remove('over');
      input.files = e.dataTransfer.files;
      if (onDrop) onDrop();
    });
  }
  document.addEventListener('DOMContentLoaded', function () {
    dropInto(document.getElementById('check-drop'), document.getElementById('check-file'));
    var form = document.getElementById('upload-form');
    if (!form) return;
    dropInto(document.getElementById('drop'), document.getElementById('files'));
    form.addEventListener('submit', function (e) {
      var input = document.getElementById('files');
      if (!window.fetch || !input.files || input.files.length < 2) return; // one file: the plain form
      e.preventDefault();
      var files = Array.prototype.slice.call(input.files);
      var bar = document.getElementById('progress'), text = document.getElementById('progress-text');
      var table = document.getElementById('results'), body = table.querySelector('tbody');
      bar.hidden = false; bar.max = files.length; bar.value = 0; table.hidden = false;
      var button = document.getElementById('upload-button'); button.disabled = true;
      var i = 0;
      function next() {
        if (i >= files.length) { text.textContent = '完成：' + files.length + ' 个文件'; button.disabled = false; return; }
        text.textContent = '正在上传第 ' + (i + 1) + ' / ' + files.length + ' 个：' + files[i].name;
        var fd = new FormData(form);
        fd.delete('files'); fd.append('files', files[i]); fd.append('partial', '1');
        fetch(form.action, { method: 'POST', body: fd, credentials: 'same-origin' })
          .then(function (r) { return r.text(); })
          .then(function (html) { body.insertAdjacentHTML('beforeend', html); })
          .catch(function () { body.insertAdjacentHTML('beforeend', '<tr class="state-failed"><td class="label"></td><td class="label">失败</td><td></td><td></td><td class="label">网络中断</td></tr>'); })
          .then(function () { i++; bar.value = i; next(); });
      }
      next();
    });
  });
})();
