// The version of `ccotel sessions --json` (docs/sessions.md): fields are added, never renamed or
// removed, within one schema. Its own file: the command's own search (journal-search.ts) builds
// answers without loading the report code.
export const SESSIONS_SCHEMA = 'ccotel.sessions/v1';
