// kbgen DOM building for the search box, the answer card and the assistant: every value is set
// as text or as an attribute, so nothing a script shows is ever parsed as markup.

/** A new element: "class" and "text" set className and textContent, other props attributes. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}
