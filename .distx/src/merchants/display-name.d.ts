export declare const MAX_DISPLAY_NAME_LENGTH = 70;
/** Why `name` cannot be a display name, or null when it can. */
export declare function displayNameProblem(name: string): string | null;
