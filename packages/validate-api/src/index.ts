export const PACKAGE = "validate-api";
