// The inspector pages' own behaviour (charts are drawn by app.js). A close
// form asks for the corrected figures only when the outcome is "corrected";
// without JavaScript the fields simply stay visible.
(function () {
  'use strict';
  var outcome = document.getElementById('outcome');
  var figs = document.getElementById('corrected-figures');
  if (outcome && figs) {
    var sync = function () { figs.hidden = outcome.value !== 'corrected'; };
    outcome.addEventListener('change', sync);
    sync();
  }
}());
