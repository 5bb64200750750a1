// The TypeScript age library as a command-line filter for agecrypt's tests:
//   node agejs.mjs encrypt (-r RECIPIENT)... | -p PASS [-w LOGN]  [-a]
//   node agejs.mjs decrypt (-i IDENTITY_FILE)... | -p PASS  [-a]
// stdin to stdout, streamed; exit 1 with the library's message on failure.
import { Encrypter, Decrypter, armor } from "age-encryption";
import { readFileSync } from "node:fs";
import { Readable, Writable } from "node:stream";

const [cmd, ...args] = process.argv.slice(2);
let armored = false;
const recipients = [], identities = [];
let pass = null, logn = null;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "-r") recipients.push(args[++i]);
  else if (a === "-i") identities.push(...readFileSync(args[++i], "utf8").split("\n").filter((l) => l.startsWith("AGE-SECRET-KEY-")));
  else if (a === "-p") pass = args[++i];
  else if (a === "-w") logn = Number(args[++i]);
  else if (a === "-a") armored = true;
  else { console.error(`agejs: unknown argument ${a}`); process.exit(64); }
}

async function readAll() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return new Uint8Array(Buffer.concat(chunks));
}

try {
  if (cmd === "encrypt") {
    const e = new Encrypter();
    if (pass !== null) e.setPassphrase(pass);
    if (logn !== null) e.setScryptWorkFactor(logn);
    for (const r of recipients) e.addRecipient(r);
    if (armored) {
      process.stdout.write(armor.encode(await e.encrypt(await readAll())));
    } else {
      const out = await e.encrypt(Readable.toWeb(process.stdin));
      await out.pipeTo(Writable.toWeb(process.stdout));
    }
  } else if (cmd === "decrypt") {
    const d = new Decrypter();
    if (pass !== null) d.addPassphrase(pass);
    for (const id of identities) d.addIdentity(id);
    if (armored) {
      const text = Buffer.from(await readAll()).toString("utf8");
      process.stdout.write(await d.decrypt(armor.decode(text), "uint8array"));
    } else {
      const out = await d.decrypt(Readable.toWeb(process.stdin));
      await out.pipeTo(Writable.toWeb(process.stdout));
    }
  } else {
    console.error("agejs: encrypt or decrypt");
    process.exit(64);
  }
} catch (err) {
  console.error(`agejs: ${err.message}`);
  process.exit(1);
}
