/** Webview entry of the `.onnx` editor: wires the page (editor.ts) to the host's messages. */
import type { EditorRequest, EditorUpdate } from '../../src/editor/messages';
import { mountOnnxEditor } from './editor';

declare function acquireVsCodeApi(): { postMessage(message: EditorRequest): void };

const vscode = acquireVsCodeApi();
const onUpdate = mountOnnxEditor(document.getElementById('root')!, (request) => vscode.postMessage(request));
window.addEventListener('message', (event: MessageEvent<EditorUpdate>) => onUpdate(event.data));
vscode.postMessage({ type: 'ready' });
