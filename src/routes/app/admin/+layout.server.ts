// The admin pages run the client-side app (see ../+layout.server.ts): the upload form checks
// files in the browser before sending them (src/lib/upload).
export const csr = true;
