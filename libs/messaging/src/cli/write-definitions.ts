import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildDefinitions } from '../topology';

/** `npm run definitions`: regenerate rabbitmq/definitions.json from the declared topology. */
const target = resolve(process.argv[2] ?? 'rabbitmq/definitions.json');
writeFileSync(target, `${JSON.stringify(buildDefinitions(), null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);
