import { describe } from 'vitest';
import { sweepSeeds } from './sweep.js';

describe('cluster simulation, first half of the CI seeds', () => sweepSeeds(1, 250));
