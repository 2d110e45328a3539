import { loginFlowSuite } from './support/login-flow-suite.js';

loginFlowSuite('embedded');
