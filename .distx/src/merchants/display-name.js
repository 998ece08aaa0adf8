// The rules for a merchant's display name, checked when the merchants file is loaded: it goes
// into every payment email under the bank's brand, so it must read as a name and nothing else.
export const MAX_DISPLAY_NAME_LENGTH = 70;
/** Controls, format characters (zero-width, bidi overrides), separators other than a space. */
const NOT_PRINTABLE = /[\p{C}\p{Zl}\p{Zp}]/u;
/** Something a reader could follow: a scheme, www., or a host name with a top-level domain. */
const LOOKS_LIKE_A_LINK = /(:\/\/|\bwww\.|[\p{L}\p{N}-]\.\p{L}{2,})/iu;
/** Why `name` cannot be a display name, or null when it can. */
export function displayNameProblem(name) {
    const length = [...name].length;
    if (name !== name.normalize('NFC'))
        return 'must be in Unicode NFC';
    if (length < 1 || length > MAX_DISPLAY_NAME_LENGTH || name.trim() !== name || name.trim() === '') {
        return `must be 1 to ${MAX_DISPLAY_NAME_LENGTH} characters, without leading or trailing spaces`;
    }
    if (NOT_PRINTABLE.test(name))
        return 'must be printable (no control, zero-width or bidirectional characters)';
    // SendGrid substitutes {{…}} again, and braces have no place in a name.
    if (/[{}<>]/.test(name))
        return 'must not contain { } < or >';
    if (LOOKS_LIKE_A_LINK.test(name))
        return 'must not contain a URL or a domain name';
    if (/\+?\d[\d\s().-]{7,}\d/.test(name))
        return 'must not contain a phone number';
    return null;
}
//# sourceMappingURL=display-name.js.map