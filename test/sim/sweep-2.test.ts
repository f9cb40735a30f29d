import { describe } from 'vitest';
import { sweepSeeds } from './sweep.js';

describe('cluster simulation, second half of the CI seeds', () => sweepSeeds(251, 250));
