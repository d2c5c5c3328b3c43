import { mount } from 'svelte';
import App from './app/App.svelte';
import { registerServiceWorker } from './app/pwa.ts';
import './app/app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
mount(App, { target });
registerServiceWorker();
