import { Navigate, Route, Routes } from 'react-router-dom';
import { AdminScreen } from './screens/AdminScreen';
import { CardAddScreen } from './screens/CardAddScreen';
import { CardEditScreen } from './screens/CardEditScreen';
import { ChatScreen } from './screens/ChatScreen';
import { DeckScreen } from './screens/DeckScreen';
import { DecksScreen } from './screens/DecksScreen';
import { ExerciseSessionScreen } from './screens/ExerciseSessionScreen';
import { ExercisesScreen } from './screens/ExercisesScreen';
import { GroupCreateScreen } from './screens/GroupCreateScreen';
import { GroupJoinScreen } from './screens/GroupJoinScreen';
import { GroupScreen } from './screens/GroupScreen';
import { GroupsScreen } from './screens/GroupsScreen';
import { Home } from './screens/Home';
import { PlanScreen } from './screens/PlanScreen';
import { ProfileEditScreen } from './screens/ProfileEditScreen';
import { ProfileScreen } from './screens/ProfileScreen';
import { ProfileWizard } from './screens/ProfileWizard';
import { StatsScreen } from './screens/StatsScreen';
import { StudyScreen } from './screens/StudyScreen';

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/" element={<Home />} />
      <Route path="/onboarding" element={<Navigate to="/onboarding/language" replace />} />
      <Route path="/onboarding/:step" element={<ProfileWizard mode="onboarding" />} />
      <Route path="/profile" element={<ProfileScreen />} />
      <Route path="/profile/new" element={<Navigate to="/profile/new/language" replace />} />
      <Route path="/profile/new/:step" element={<ProfileWizard mode="add" />} />
      <Route path="/profile/edit/:id" element={<ProfileEditScreen />} />
      <Route path="/profile/plan" element={<PlanScreen />} />
      <Route path="/cards" element={<DecksScreen />} />
      <Route path="/cards/card/:cardId" element={<CardEditScreen />} />
      <Route path="/cards/:deckId" element={<DeckScreen />} />
      <Route path="/cards/:deckId/add" element={<CardAddScreen />} />
      <Route path="/study" element={<StudyScreen />} />
      <Route path="/chat" element={<ChatScreen />} />
      <Route path="/exercises" element={<ExercisesScreen />} />
      <Route path="/exercises/session" element={<ExerciseSessionScreen />} />
      <Route path="/stats" element={<StatsScreen />} />
      <Route path="/groups" element={<GroupsScreen />} />
      <Route path="/groups/new" element={<GroupCreateScreen />} />
      <Route path="/groups/join" element={<GroupJoinScreen />} />
      <Route path="/groups/:id" element={<GroupScreen />} />
      <Route path="/admin" element={<AdminScreen />} />
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}
