import { revocationSuite } from './support/revocation-suite.js';

revocationSuite('embedded');
