// Test driver for nbclassic, same functions as jupyterapp.js, through `window.Jupyter.notebook`.
// nbclassic has no kernel status property, so busy/idle is followed through its events.
window.cwt = (() => {
  const runs = {};
  let restarting = false;
  let busy = false;
  let eventsBound = false;

  function notebook(path) {
    const nb = window.Jupyter && window.Jupyter.notebook;
    if (!nb || !nb._fully_loaded || nb.notebook_path !== path) return null;
    if (!eventsBound) {
      nb.events.on('kernel_busy.Kernel', () => { busy = true; });
      nb.events.on('kernel_idle.Kernel', () => { busy = false; });
      eventsBound = true;
    }
    return nb;
  }

  return {
    outputSelector: '.output_wrapper .output',

    ready(path) {
      const nb = notebook(path);
      const k = nb && nb.kernel;
      return !!k && !restarting && !busy && k.is_connected() && k.info_reply.status === 'ok';
    },

    kernelId(path) {
      return notebook(path).kernel.id;
    },

    tagCell(path, index, id) {
      const cells = notebook(path).get_cells();
      cells[index < 0 ? cells.length + index : index].element.attr('data-cwt-id', id);
    },

    // Appends a code cell and executes it; `finished(id)` turns true once the execute
    // reply came (prompt number set) and the cell's iopub idle was handled.
    run(path, code, id) {
      const nb = notebook(path);
      const cell = nb.insert_cell_at_bottom('code');
      cell.set_text(code);
      cell.element.attr('data-cwt-id', id);
      runs[id] = { cell, done: false };
      const onFinished = (event, data) => {
        if (data.cell !== cell) return;
        runs[id].done = true;
        nb.events.off('finished_execute.CodeCell', onFinished);
      };
      nb.events.on('finished_execute.CodeCell', onFinished);
      nb.select(nb.find_cell_index(cell));
      cell.execute();
    },

    finished(id) {
      const run = runs[id];
      return run.done && typeof run.cell.input_prompt_number === 'number';
    },

    async save(path) {
      await notebook(path).save_notebook();
    },

    restart(path) {
      const nb = notebook(path);
      restarting = true;
      nb.events.one('kernel_ready.Kernel', () => { restarting = false; });
      nb.kernel.restart();
    },

    async clearAllOutputs(path) {
      notebook(path).clear_all_output();
    },

    deleteCell(path, index) {
      const nb = notebook(path);
      nb.delete_cell(index < 0 ? nb.ncells() + index : index);
    },
  };
})();
