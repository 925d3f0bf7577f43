export const PACKAGE = "edge-auth";
