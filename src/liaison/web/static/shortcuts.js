// Keyboard shortcuts for the common actions. The page declares them: an element carrying
// data-shortcut="g r" (a menu entry, a "new" link, the shortcuts dialog) is clicked, focused when
// it is a field, opened when it is a dialog, once its keys are typed; "/" goes to the list's first
// filter when no element claims it. Nothing fires while the user types in a field, holds a
// modifier key or has a dialog open.
(() => {
  const SEQUENCE_MS = 1500;
  let pending = "";
  let timer = 0;

  const typing = (target) =>
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));

  const FIRST_FILTER = 'main form[method="get" i] :is(input:not([type="hidden"]), select)';

  const target = (keys) =>
    document.querySelector(`[data-shortcut="${CSS.escape(keys)}"]`) ||
    (keys === "/" ? document.querySelector(FIRST_FILTER) : null);

  const fire = (element) => {
    if (element instanceof HTMLDialogElement) element.showModal();
    else if (["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName)) element.focus();
    else element.click();
  };

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (document.querySelector("dialog[open]")) return;
    if (event.key.length !== 1) return;
    const keys = pending ? `${pending} ${event.key}` : event.key;
    window.clearTimeout(timer);
    pending = "";
    const element = target(keys);
    if (element) {
      event.preventDefault();
      fire(element);
    } else if (document.querySelector(`[data-shortcut^="${CSS.escape(keys)} "]`)) {
      pending = keys; // the first key of a sequence: wait for the next
      timer = window.setTimeout(() => { pending = ""; }, SEQUENCE_MS);
    }
  });

  document.addEventListener("click", (event) => {
    if (!(event.target instanceof Element)) return;
    const opener = event.target.closest("[data-open-dialog]");
    if (opener) document.getElementById(opener.dataset.openDialog)?.showModal();
    event.target.closest("[data-close-dialog]")?.closest("dialog")?.close();
  });
})();
