/** Names of release artefacts. */

/** Name of the tarball of a version; the folder inside it is the same without `.tar.gz`. */
export const tarballName = (version: string) => `jingwen-${version}.tar.gz`;
