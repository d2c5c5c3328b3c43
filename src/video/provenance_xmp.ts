// The provenance record as an XMP packet.
//
// Standard properties for the tools that read XMP (exiftool, Adobe's, photo libraries):
// Iptc4xmpExt:DigitalSourceType = IPTC's "trainedAlgorithmicMedia", the vocabulary term that
// marks media made by a generative model (what Google, Meta and the C2PA guidance use);
// xmp:CreatorTool, xmp:CreateDate, dc:description (the prompt). The whole record also goes in
// one zoetrope:record property as JSON, so that readProvenance gets back exactly what was written
// (numbers stay numbers, any new setting needs no new XML) without an XML parser in the worker.
import type { Provenance } from './provenance_record.ts';

/** IPTC NewsCodes digital source type for content made by a trained generative model. */
export const AI_SOURCE_TYPE = 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia';
export const ZOETROPE_XMP_NS = 'urn:zoetrope:provenance:1/';

// Characters XML 1.0 does not allow at all, not even as &#…; references: C0 controls other than
// tab, newline and carriage return, lone surrogates, U+FFFE and U+FFFF.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text safe inside an XML element or a double- or single-quoted attribute. */
export function xmlEscape(text: string): string {
  return text
    .replace(NOT_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // Parsers normalise raw CR and tabs/newlines in attributes; references keep them as they are.
    .replace(/\r/g, '&#13;');
}

export function xmlUnescape(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    switch (entity) {
      case 'amp': return '&';
      case 'lt': return '<';
      case 'gt': return '>';
      case 'quot': return '"';
      case 'apos': return "'";
      default:
        return String.fromCodePoint(entity[1] === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10));
    }
  });
}

export function buildXmp(record: Provenance): string {
  // JSON.stringify escapes control characters and lone surrogates as \uXXXX, so the JSON text
  // survives XML untouched and the prompt comes back byte for byte.
  const json = JSON.stringify(record);
  return [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '  <rdf:Description rdf:about=""',
    '    xmlns:dc="http://purl.org/dc/elements/1.1/"',
    '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
    '    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"',
    `    xmlns:zoetrope="${ZOETROPE_XMP_NS}"`,
    `    xmp:CreatorTool="${xmlEscape(record.generator)}"`,
    `    xmp:CreateDate="${xmlEscape(record.createdAt)}"`,
    `    Iptc4xmpExt:DigitalSourceType="${AI_SOURCE_TYPE}">`,
    `   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">${xmlEscape(record.prompt)}</rdf:li></rdf:Alt></dc:description>`,
    `   <zoetrope:record>${xmlEscape(json)}</zoetrope:record>`,
    '  </rdf:Description>',
    ' </rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="r"?>',
  ].join('\n');
}

/** The JSON record inside an XMP packet written by buildXmp, or null when it has none. */
export function recordFromXmp(xmp: string): unknown {
  const match = /<zoetrope:record>([^<]*)<\/zoetrope:record>/.exec(xmp);
  if (!match) return null;
  return JSON.parse(xmlUnescape(match[1]!));
}
