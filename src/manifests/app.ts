/**
 * The cdk8s app behind `npm run synth`: the CRD chart and the operator's install bundle.
 */
import { App, YamlOutputType } from 'cdk8s';
import { CrdChart } from './crd-chart.js';
import { OperatorChart, type OperatorChartProps } from './operator-chart.js';

export const DEFAULT_IMAGE_REPOSITORY = 'ghcr.io/personalize-ops/personalize-operator';

export function defaultOperatorProps(version: string): OperatorChartProps {
  return { operatorNamespace: 'personalize-operator', image: `${DEFAULT_IMAGE_REPOSITORY}:${version}` };
}

/** The app behind `npm run synth`: the CRD and the plain-manifest install bundle. */
export function buildApp(outdir: string, version: string): App {
  const app = new App({
    outdir,
    outputFileExtension: '.yaml',
    yamlOutputType: YamlOutputType.FILE_PER_CHART,
  });
  new CrdChart(app, 'crds');
  new OperatorChart(app, 'personalize-operator', defaultOperatorProps(version));
  return app;
}
