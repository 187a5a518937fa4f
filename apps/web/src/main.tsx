import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { store } from './state/app';
import { startSession } from './state/session-actions';
import './styles.css';
import { registerServiceWorker } from './sw-register';

registerServiceWorker();

const saved = store.get().session;
if (saved) startSession(saved);

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
