/**
 * Sizes the tools' schemas accept: far above what the lessons use, far below what would stall the
 * process. A larger argument is refused by the schema before the tool runs (agents' limits test).
 */

/** Rows (examples) of a table an agent may hand to a model. */
export const MAX_ROWS = 10_000;
/** Numbers per row. */
export const MAX_FEATURES = 1_000;
