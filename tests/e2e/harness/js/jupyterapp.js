// Test driver for JupyterLab 4 and Notebook 7 (both expose `window.jupyterapp` when started
// with expose_app_in_browser). Installed as an init script; NotebookPage calls `window.cwt`.
// nbclassic.js offers the same functions for the classic notebook.
window.cwt = (() => {
  const runs = {};
  const pending = {};

  function panel(path) {
    const app = window.jupyterapp;
    if (!app || !app.shell || !app.shell.widgets) return null;
    for (const widget of app.shell.widgets('main')) {
      if (widget.context && widget.context.path === path && widget.sessionContext) return widget;
    }
    return null;
  }

  function kernel(path) {
    const session = panel(path).sessionContext.session;
    return session ? session.kernel : null;
  }

  function activate(path) {
    const p = panel(path);
    window.jupyterapp.shell.activateById(p.id);
    return p;
  }

  return {
    outputSelector: '.jp-Cell-outputArea',

    ready(path) {
      const p = panel(path);
      if (!p || !p.context.isReady || pending[path]) return false;
      const k = kernel(path);
      return !!k && k.status === 'idle' && k.connectionStatus === 'connected';
    },

    kernelId(path) {
      return kernel(path).id;
    },

    // Tags the node of cell `index` (negative counts from the end) for a Python Locator.
    tagCell(path, index, id) {
      const cells = panel(path).content.widgets;
      cells[index < 0 ? cells.length + index : index].node.setAttribute('data-cwt-id', id);
    },

    // Appends a code cell, runs it through the real command and returns at once;
    // `finished(id)` turns true once the reply and the iopub idle have been handled.
    run(path, code, id) {
      const nb = activate(path).content;
      const index = nb.model.cells.length;
      nb.model.sharedModel.insertCell(index, { cell_type: 'code', source: code });
      nb.activeCellIndex = index;
      nb.deselectAll();
      const cell = nb.widgets[index];
      cell.node.setAttribute('data-cwt-id', id);
      runs[id] = { cell, done: false, error: null };
      window.jupyterapp.commands.execute('notebook:run-cell').then(
        () => { runs[id].done = true; },
        (err) => { runs[id].error = String(err); });
    },

    finished(id) {
      const run = runs[id];
      if (run.error) throw new Error(`running cell ${id} failed: ${run.error}`);
      return run.done && run.cell.model.executionCount !== null;
    },

    async save(path) {
      await panel(path).context.save();
    },

    // Lab ignores the status messages caused by its own kernel_info_request (page config
    // `untracked_message_types`); when the new kernel's first status is lost in the reconnect,
    // the kernel then stays 'unknown'. A silent empty execute brings a tracked busy/idle.
    restart(path) {
      pending[path] = true;
      const k = kernel(path);
      k.restart()
        .then(() => k.requestExecute({ code: '', silent: true, store_history: false }).done)
        .finally(() => { delete pending[path]; });
    },

    async clearAllOutputs(path) {
      activate(path);
      await window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs');
    },

    deleteCell(path, index) {
      const nb = panel(path).content;
      const count = nb.model.cells.length;
      nb.model.sharedModel.deleteCell(index < 0 ? count + index : index);
    },

    // Closes the notebook's tab in the app (the kernel keeps running), without a save dialog.
    closeNotebook(path) {
      panel(path).dispose();
    },
  };
})();
