// ruleid: optchain
child_process.exec(cmd!);
// ruleid: optchain
child_process.exec(cmd as string);
// ok: optchain
child_process.execFile(cmd);
// ruleid: optchain
child_process?.exec(cmd);
// ruleid: optchain
child_process.exec?.(cmd);
