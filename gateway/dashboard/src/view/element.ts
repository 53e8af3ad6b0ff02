export interface ElementProps {
  readonly class?: string;
  readonly text?: string;
  readonly attrs?: Record<string, string>;
}

type Child = Node | string | null | undefined | false;

/** Creates an element; text goes in as text, never as HTML, so names from the store cannot inject markup. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElementProps = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.class) element.className = props.class;
  if (props.text !== undefined) element.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
  for (const child of children) if (child) element.append(child);
  return element;
}

/** An SVG element (for small icons and bars); same rules as `h`. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: SVGElement[]): SVGElementTagNameMap[K] {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** A titled dashboard panel; `body` is where its content goes. */
export function panel(title: string, options: { id: string; subtitle?: string; class?: string }) {
  const subtitle = h('span', { class: 'panel-subtitle', text: options.subtitle ?? '' });
  const status = h('span', { class: 'panel-status', attrs: { role: 'status' } });
  const body = h('div', { class: 'panel-body' });
  const root = h(
    'section',
    { class: `panel ${options.class ?? ''}`.trim(), attrs: { 'aria-labelledby': `${options.id}-title`, 'data-panel': options.id } },
    h('header', { class: 'panel-header' }, h('h2', { text: title, attrs: { id: `${options.id}-title` } }), subtitle, status),
    body,
  );
  return {
    root,
    body,
    subtitle,
    /** Shows a load problem in the panel header; null clears it. */
    setProblem(message: string | null) {
      status.textContent = message ?? '';
      root.classList.toggle('has-problem', message !== null);
    },
  };
}

export type Panel = ReturnType<typeof panel>;
