import { AuthScreen } from './components/AuthScreen';
import { ChatScreen } from './components/ChatScreen';
import { useApp } from './state/app';

export function App() {
  const signedIn = useApp((s) => s.session !== null);
  return signedIn ? <ChatScreen /> : <AuthScreen />;
}
