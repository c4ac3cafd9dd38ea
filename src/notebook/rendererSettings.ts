/**
 * Sends the display settings to the notebook renderer (lcnb.report): on its request when it
 * starts, and to every open notebook when a setting changes. The stored reports carry both
 * MAdds and FLOPs, so the setting acts only at display time.
 */
import * as vscode from 'vscode';
import type { Headline } from '../shared/measureSettings';
import type { RendererSettings, RendererSettingsRequest } from './rendererMessages';

export const REPORT_RENDERER_ID = 'lcnb.report';

export type RendererSettingsSender = vscode.Disposable & { refresh(): void };

export function rendererSettings(headline: () => Headline): RendererSettingsSender {
  const messaging = vscode.notebooks.createRendererMessaging(REPORT_RENDERER_ID);
  const settings = (): RendererSettings => ({ type: 'lcnb.settings', headlineFlops: headline() });
  const listener = messaging.onDidReceiveMessage((e) => {
    if ((e.message as Partial<RendererSettingsRequest> | undefined)?.type === 'lcnb.settings?') void messaging.postMessage(settings(), e.editor);
  });
  return {
    refresh: () => void messaging.postMessage(settings()),
    dispose: () => listener.dispose(),
  };
}
