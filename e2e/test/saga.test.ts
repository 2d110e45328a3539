import { sagaSuite } from './support/saga-suite.js';

sagaSuite('embedded');
