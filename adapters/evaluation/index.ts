/** The provincial 好差评 system adapter: `EvaluationSystem` over its signed HTTP API. */
export { createEvaluationAdapter, type EvaluationAdapterSettings } from './evaluation-adapter.js';
