// autocannon ships no types and @types/autocannon is not a dependency: its
// results are read as plain JSON.
declare module 'autocannon';
