// Shard 1 of the hostile-input suite (suite.ts says what it checks).
import { hostileSuite } from './suite.js'

hostileSuite(0)
