// A tiny XML well-formedness checker for tests (no XML package is installed): one pass over the characters with a
// stack of open elements; checks names, quoted attributes, entity references and that every element closes in order.

const NAME_START = /[A-Za-z_:]/;
const NAME_CHAR = /[A-Za-z0-9_:.-]/;
const PREDEFINED = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

export interface XmlElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
}

/** Parses `xml` into a tree, throwing an Error with the offset of the first problem. */
export function parseXml(xml: string): XmlElement {
  let i = 0;
  const fail = (message: string): never => {
    throw new Error(`${message} at offset ${i}: ${JSON.stringify(xml.slice(i, i + 40))}`);
  };
  const decode = (raw: string): string => {
    let out = '';
    for (let k = 0; k < raw.length; k += 1) {
      const c = raw[k]!;
      if (c === '<') fail('raw < in text or attribute');
      if (c !== '&') {
        out += c;
        continue;
      }
      const end = raw.indexOf(';', k);
      if (end < 0) fail('unterminated entity reference');
      const ref = raw.slice(k + 1, end);
      if (PREDEFINED.has(ref)) out += { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[ref];
      else if (/^#[0-9]+$/.test(ref)) out += String.fromCodePoint(Number(ref.slice(1)));
      else if (/^#x[0-9A-Fa-f]+$/.test(ref)) out += String.fromCodePoint(parseInt(ref.slice(2), 16));
      else fail(`unknown entity &${ref};`);
      k = end;
    }
    return out;
  };
  const readName = (): string => {
    const start = i;
    if (!NAME_START.test(xml[i] ?? '')) fail('expected a name');
    while (i < xml.length && NAME_CHAR.test(xml[i]!)) i += 1;
    return xml.slice(start, i);
  };
  const skipSpace = (): void => {
    while (i < xml.length && /\s/.test(xml[i]!)) i += 1;
  };

  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) fail('unterminated XML declaration');
    i = end + 2;
  }
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < xml.length) {
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i);
      if (end < 0) fail('unterminated comment');
      i = end + 3;
    } else if (xml.startsWith('</', i)) {
      i += 2;
      const name = readName();
      skipSpace();
      if (xml[i] !== '>') fail('expected > after closing tag name');
      i += 1;
      const open = stack.pop();
      if (!open || open.name !== name) fail(`closing </${name}> does not match <${open?.name ?? '(none)'}>`);
    } else if (xml[i] === '<') {
      i += 1;
      const el: XmlElement = { name: readName(), attributes: {}, children: [], text: '' };
      for (;;) {
        skipSpace();
        if (xml.startsWith('/>', i) || xml[i] === '>') break;
        const attr = readName();
        if (attr in el.attributes) fail(`duplicate attribute ${attr}`);
        skipSpace();
        if (xml[i] !== '=') fail('expected = after attribute name');
        i += 1;
        skipSpace();
        const quote = xml[i];
        if (quote !== '"' && quote !== "'") fail('attribute value must be quoted');
        const end = xml.indexOf(quote!, i + 1);
        if (end < 0) fail('unterminated attribute value');
        el.attributes[attr] = decode(xml.slice(i + 1, end));
        i = end + 1;
      }
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      else if (root) fail('more than one root element');
      else root = el;
      if (xml.startsWith('/>', i)) i += 2;
      else {
        i += 1;
        stack.push(el);
      }
    } else {
      const next = xml.indexOf('<', i);
      const raw = xml.slice(i, next < 0 ? xml.length : next);
      const top = stack[stack.length - 1];
      if (!top && raw.trim() !== '') fail('text outside the root element');
      if (top) top.text += decode(raw);
      i = next < 0 ? xml.length : next;
    }
  }
  if (stack.length > 0) fail(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (!root) fail('no root element');
  return root!;
}

/** Every element named `name` in document order. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    if (e.name === name) out.push(e);
    e.children.forEach(walk);
  };
  walk(el);
  return out;
}
