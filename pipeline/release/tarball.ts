/**
 * A reproducible .tar.gz of a folder (reproducible-builds.org/docs/archives): GNU tar with entries sorted by
 * name, every time set to SOURCE_DATE_EPOCH, owner and group 0, fixed modes, no atime/ctime or pid in pax
 * headers; gzip without the name and time of the input.
 */
import { $ } from 'zx';

/** Writes `file` from the folder `name` inside `parent` (entries are `name/...`). */
export async function writeTarball(parent: string, name: string, file: string, epoch: number): Promise<void> {
  await $({ quiet: true, cwd: parent, env: { ...process.env, LC_ALL: 'C', TZ: 'UTC', GZIP: '' } })`tar --sort=name --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime --mtime=${'@' + epoch} --owner=0 --group=0 --numeric-owner --mode=u=rwX,go=rX -cf - ${name} | gzip -n -9 > ${file}`;
}
