// Starts a real mosquitto for a test: a WebSocket listener (and the plain TCP listener
// that mosquitto 2.0.11 needs beside it: with only WebSocket listeners it exits with
// "Unable to start any listening sockets") on free loopback ports, in a temp directory.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p)) ?? 'mosquitto';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Waits until `condition()` is truthy, polling; fails after `ms`. */
export async function waitFor(condition, what, ms = 5000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * @param {{users?: Record<string,string>}} [options] users: login -> password (password file);
 *   without it, anonymous clients are allowed.
 */
export async function startBroker(options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'chatt-web-broker-'));
  const wsPort = await freePort();
  const tcpPort = await freePort();
  const lines = [
    `listener ${tcpPort} 127.0.0.1`,
    `listener ${wsPort} 127.0.0.1`,
    'protocol websockets',
    'persistence false',
    `log_dest file ${join(dir, 'mosquitto.log')}`,
  ];
  if (options.users) {
    const file = join(dir, 'passwords');
    writeFileSync(file, '');
    for (const [login, password] of Object.entries(options.users)) {
      execFileSync('mosquitto_passwd', ['-b', file, login, password], { stdio: 'ignore' });
    }
    lines.push('allow_anonymous false', `password_file ${file}`);
  } else {
    lines.push('allow_anonymous true');
  }
  if (process.getuid?.() === 0) lines.push('user root');
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(config, lines.join('\n') + '\n');

  const broker = {
    dir, wsPort, tcpPort, url: `ws://127.0.0.1:${wsPort}/`, process: null,
    async start() {
      this.process = spawn(MOSQUITTO, ['-c', config], { stdio: 'ignore' });
      const child = this.process;
      let exited = false;
      child.on('exit', () => { exited = true; });
      await waitFor(async () => {
        if (exited) throw new Error(`mosquitto exited at start; see ${join(dir, 'mosquitto.log')}`);
        return (await listening(wsPort)) && (await listening(tcpPort));
      }, 'mosquitto to listen');
    },
    async stop() {
      const child = this.process;
      this.process = null;
      if (!child || child.exitCode !== null) return;
      await new Promise((resolve) => {
        child.on('exit', resolve);
        child.kill('SIGTERM');
      });
    },
    async close() {
      await this.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await broker.start();
  return broker;
}
