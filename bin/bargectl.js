#!/usr/bin/env node
// bargectl, the etcdctl-style client (see launch.js for which form of the code runs).
import { launch } from './launch.js';

await launch('bargectl');
